/** WADO-RS (PS3.18 10.4): retrieve studies, series and instances as stored. */
package org.vesalius.dicomweb.wado;
