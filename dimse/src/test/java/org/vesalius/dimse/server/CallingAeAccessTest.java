package org.vesalius.dimse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.access.AddressRange;
import org.vesalius.dimse.access.CallingAeAllowList;
import org.vesalius.dimse.access.CallingAeRule;
import org.vesalius.dimse.access.DimseService;
import org.vesalius.storage.audit.AuditQuery;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.SampleDicom;

/**
 * The calling-AE allow-list against DCMTK peers: allowed, unknown, allowed from another address
 * only, and allowed for other services than the one asked for.
 */
class CallingAeAccessTest {
    private static final String AET = "VESALIUS";
    private static final String LOCALHOST = "127.0.0.1";

    @TempDir
    Path dir;
    private Archive archive;
    private DimseServer server;

    @BeforeAll
    static void requireDcmtk() {
        assumeTrue(Dcmtk.isInstalled("storescu") && Dcmtk.isInstalled("echoscu") && Dcmtk.isInstalled("findscu"),
                "DCMTK is not installed");
    }

    @BeforeEach
    void start() throws IOException {
        archive = new Archive(dir.resolve("archive"));
        CallingAeAllowList callers = new CallingAeAllowList(List.of(
                new CallingAeRule("MODALITY", List.of(AddressRange.parse("127.0.0.0/8")), Set.of(DimseService.STORE)),
                new CallingAeRule("VIEWER", List.of(), Set.of(DimseService.FIND)),
                new CallingAeRule("GETTER", List.of(), Set.of(DimseService.GET)),
                // Allowed everything, but only from 10.0.0.0/8: the test connects from 127.0.0.1.
                new CallingAeRule("REMOTE", List.of(AddressRange.parse("10.0.0.0/8")), Set.of())));
        server = archive.server(DimseSettings.defaults(LOCALHOST, 0, dir.resolve("spool")).withCallers(callers)).start();
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (archive != null) {
            archive.close();
        }
    }

    @Test
    void anAllowedAeEchoesAndStores() throws Exception {
        assertThat(echo("MODALITY").output()).contains("Received Echo Response (Success)");
        SampleDicom.Instance instance = SampleDicom.generate(dir.resolve("in"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);

        Dcmtk.Result store = Dcmtk.store("MODALITY", AET, LOCALHOST, server.port(), List.of(instance.file()));

        assertThat(store.exitCode()).as(store.output()).isZero();
        assertThat(archive.index.findInstance(instance.sopInstanceUid())).isPresent();
    }

    @Test
    void anUnknownAeIsRejectedAndAudited() throws Exception {
        SampleDicom.Instance instance = SampleDicom.generate(dir.resolve("in"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);

        Dcmtk.Result store = Dcmtk.store("STRANGER", AET, LOCALHOST, server.port(), List.of(instance.file()));

        assertThat(store.exitCode()).isNotZero();
        assertThat(store.output()).contains("Association Rejected").contains("Rejected Permanent")
                .contains("Calling AE Title Not Recognized");
        assertThat(archive.index.countInstances()).isZero();
        List<AuditQuery.Event> events = rejections();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).actorKind()).isEqualTo("DIMSE");
        assertThat(events.get(0).actorName()).isEqualTo("STRANGER");
        assertThat(events.get(0).actorAddress()).isEqualTo(LOCALHOST);
        assertThat(events.get(0).outcome()).isEqualTo("FAILURE");
        assertThat(events.get(0).status()).isEqualTo("A-ASSOCIATE-RJ");
        // The server goes on serving the others.
        assertThat(echo("MODALITY").exitCode()).isZero();
    }

    @Test
    void anAllowedAeFromAnotherAddressIsRejected() {
        Dcmtk.Result echo = echo("REMOTE");

        assertThat(echo.exitCode()).isNotZero();
        assertThat(echo.output()).contains("Calling AE Title Not Recognized");
        assertThat(rejections()).extracting(AuditQuery.Event::actorName).containsExactly("REMOTE");
    }

    @Test
    void anAeAllowedOnlyToFindCannotStoreButFindsAndEchoes() throws Exception {
        SampleDicom.Instance instance = SampleDicom.generate(dir.resolve("in"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);

        Dcmtk.Result store = Dcmtk.store("VIEWER", AET, LOCALHOST, server.port(), List.of(instance.file()));

        assertThat(store.exitCode()).isNotZero();
        assertThat(store.output()).containsIgnoringCase("No Acceptable Presentation Contexts");
        assertThat(archive.index.countInstances()).isZero();
        assertThat(echo("VIEWER").exitCode()).as("C-ECHO is open to every listed AE").isZero();
        Dcmtk.Result find = find("VIEWER");
        assertThat(find.exitCode()).as(find.output()).isZero();
        assertThat(find.output()).contains("Received Final Find Response (Success)");
    }

    @Test
    void anAeAllowedOnlyToStoreCannotFind() {
        Dcmtk.Result find = find("MODALITY");

        assertThat(find.exitCode()).isNotZero();
        assertThat(find.output()).containsIgnoringCase("No Acceptable Presentation Contexts");
    }

    @Test
    void aStoreOnAContextAcceptedForCGetIsRefusedNotAuthorized() throws Exception {
        // GETTER's storage contexts are accepted (C-GET sends its objects back on them), but it may not store.
        SampleDicom.Instance instance = SampleDicom.generate(dir.resolve("in"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);

        Dcmtk.Result store = Dcmtk.store("GETTER", AET, LOCALHOST, server.port(), List.of(instance.file()));

        // DCMTK 3.6.7 knows the code but not its name: "Received Store Response (Unknown Status: 0x124)".
        assertThat(store.output()).contains("Received Store Response").contains("0x124");
        assertThat(archive.index.countInstances()).isZero();
        List<AuditQuery.Event> refused = new AuditQuery(archive.database, archive.auditLog)
                .find(new AuditQuery.Filter("GETTER", "DIMSE_REFUSED", null, null, 10, 0)).items();
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).status()).isEqualTo("0124");
    }

    private Dcmtk.Result echo(String callingAeTitle) {
        return Dcmtk.run("echoscu", "-v", "-aet", callingAeTitle, "-aec", AET, LOCALHOST, String.valueOf(server.port()));
    }

    private Dcmtk.Result find(String callingAeTitle) {
        return Dcmtk.run("findscu", "-v", "-S", "-aet", callingAeTitle, "-aec", AET, "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID", LOCALHOST, String.valueOf(server.port()));
    }

    private List<AuditQuery.Event> rejections() {
        return new AuditQuery(archive.database, archive.auditLog).find(new AuditQuery.Filter(null, "ASSOCIATION_REJECTED", null, null, 10, 0)).items();
    }
}
