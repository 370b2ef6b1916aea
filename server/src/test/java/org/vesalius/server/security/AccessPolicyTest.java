package org.vesalius.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Method;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPolicyTest {
    private final AccessPolicy policy = new AccessPolicy();

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource({
            "OPTIONS, /dicomweb/studies,                        PREFLIGHT, OPEN",
            "OPTIONS, /api/audit,                               PREFLIGHT, OPEN",
            "GET,    /health,                                   HEALTH,    OPEN",
            "GET,    /health/ready,                             HEALTH,    OPEN",
            "GET,    /openapi,                                  OPENAPI,   OPEN",
            "GET,    /viewer/app.bundle.js,                     VIEWER,    OPEN",
            "POST,   /viewer/x,                                 OTHER,     ADMIN",
            "GET,    /dicomweb/studies,                         DICOMWEB,  READER",
            "HEAD,   /dicomweb/studies/1.2/series/3.4/rendered, DICOMWEB,  READER",
            "POST,   /dicomweb/studies,                         DICOMWEB,  WRITER",
            "DELETE, /dicomweb/studies/1.2,                     DICOMWEB,  ADMIN",
            "DELETE, /dicomweb/studies/1.2/series/3.4,          DICOMWEB,  ADMIN",
            "GET,    /api/search,                               API,       READER",
            "GET,    /api/images/7/rendered,                    API,       READER",
            "POST,   /api/subjects/s1/images,                   API,       WRITER",
            "POST,   /api/convert,                              API,       WRITER",
            "PATCH,  /api/tags/ct,                              API,       WRITER",
            "PUT,    /api/studies/1.2/tags/ct,                  API,       WRITER",
            "DELETE, /api/studies/1.2/tags/ct,                  API,       WRITER",
            "DELETE, /api/tags/ct,                              API,       WRITER",
            "DELETE, /api/images/7,                             API,       WRITER",
            "DELETE, /api/instances/1.2.3,                      API,       ADMIN",
            "DELETE, /api/studies/1.2,                          API,       ADMIN",
            "DELETE, //api//studies/1.2,                        API,       ADMIN",
            "GET,    /api/aes,                                  AES,       ADMIN",
            "POST,   /api/aes/PACS,                             AES,       ADMIN",
            "GET,    /api/audit,                                AUDIT,     ADMIN",
            "POST,   /api/reconcile,                            RECONCILE, ADMIN",
            "GET,    /somewhere/else,                           OTHER,     READER",
            "POST,   /somewhere/else,                           OTHER,     ADMIN",
            "GET,    /,                                         OTHER,     READER",
            "GET,    /healthy,                                  OTHER,     READER",
            "GET,    /apix,                                     OTHER,     READER",
    })
    void decidesByRouteFamilyAndMethod(String method, String path, AccessPolicy.RouteFamily family, String required) {
        AccessPolicy.Decision decision = policy.decide(Method.create(method), path);

        assertThat(decision.family()).isEqualTo(family);
        assertThat(decision.required()).isEqualTo(required.equals("OPEN") ? Optional.empty() : Optional.of(Role.valueOf(required)));
    }
}
