package org.vesalius.dimse.server;

import org.vesalius.dimse.find.CFindScp;
import org.vesalius.dimse.retrieve.RetrieveScp;
import org.vesalius.dimse.store.CStoreScp;

/** The services answering requests on every association. */
record DimseServices(CStoreScp store, CFindScp find, RetrieveScp retrieve) {
}
