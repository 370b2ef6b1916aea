package org.vesalius.dicomweb.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptHeaderTest {
    private static final MediaType JSON = MediaType.parse("application/dicom+json");
    private static final MediaType XML = MediaType.parse("application/dicom+xml");
    private static final MediaType STORED_JPEG = MediaType.parse(
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50");

    @Test
    void parsesQuotedParametersWithSeparatorsInside() {
        MediaType type = MediaType.parse("Multipart/Related; TYPE=\"application/dicom\"; boundary=\"a;b,c \\\"d\\\"\"");
        assertThat(type.essence()).isEqualTo("multipart/related");
        assertThat(type.parameter("type")).contains("application/dicom");
        assertThat(type.parameter("boundary")).contains("a;b,c \"d\"");
        assertThat(MediaType.parseList("a/b; x=\"1,2\", c/d")).hasSize(2);
        assertThatThrownBy(() -> MediaType.parse("nonsense")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MediaType.parse("a/b; x=\"open")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMostSpecificRangeGivesTheQuality() {
        AcceptHeader accept = AcceptHeader.parse("*/*;q=0.1, application/dicom+xml");
        assertThat(accept.choose(List.of(JSON, XML))).contains(XML);
        assertThat(AcceptHeader.parse("application/dicom+xml;q=0, */*").choose(List.of(XML))).isEmpty();
        assertThat(AcceptHeader.parse(null).choose(List.of(JSON, XML))).contains(JSON);
        assertThat(AcceptHeader.parse("application/*").choose(List.of(JSON, XML))).contains(JSON);
    }

    @Test
    void transferSyntaxParametersMustMatchOrBeAWildcard() {
        assertThat(AcceptHeader.parse("multipart/related; type=\"application/dicom\"; transfer-syntax=*")
                .quality(STORED_JPEG)).isEqualTo(1.0);
        assertThat(AcceptHeader.parse("multipart/related; type=\"application/dicom\"").quality(STORED_JPEG)).isEqualTo(1.0);
        assertThat(AcceptHeader.parse("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1")
                .quality(STORED_JPEG)).isEqualTo(0.0);
        assertThat(AcceptHeader.parse("multipart/related; type=\"application/octet-stream\"").quality(STORED_JPEG)).isEqualTo(0.0);
    }

    @Test
    void refusesABadQuality() {
        assertThatThrownBy(() -> AcceptHeader.parse("a/b;q=2")).isInstanceOf(IllegalArgumentException.class);
    }
}
