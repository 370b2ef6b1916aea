package org.vesalius.dicomweb.qido;

import org.vesalius.storage.json.JsonStrings;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.vesalius.dicomweb.ResourceUrls;
import org.vesalius.storage.query.Attribute;
import org.vesalius.storage.query.AttributeCatalog;
import org.vesalius.storage.query.QueryResult;
import org.vesalius.storage.query.Vr;

/**
 * Writes QIDO-RS results as DICOM JSON (PS3.18 F.2: PN as {@code {"Alphabetic": ...}}, IS and US
 * as JSON numbers, an attribute without value has no "Value") or as the Native DICOM Model of
 * PS3.19 A.1 (one XML document per result). Each result also gets its RetrieveURL and
 * InstanceAvailability (everything the archive holds is ONLINE).
 */
final class QidoResponse {
    private static final AttributeCatalog CATALOG = AttributeCatalog.standard();
    private static final String XML_NAMESPACE = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
    private static final String[] PN_COMPONENTS = {"FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"};
    private static final String[] PN_GROUPS = {"Alphabetic", "Ideographic", "Phonetic"};

    /** One attribute of a result, ready to write. */
    private record Element(int tag, String keyword, String vr, List<String> values) {
    }

    private QidoResponse() {
    }

    static String json(List<QueryResult> results, ResourceUrls urls) {
        StringBuilder out = new StringBuilder(256 + results.size() * 1024);
        out.append('[');
        for (int i = 0; i < results.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            writeJsonObject(elements(results.get(i), urls), out);
        }
        return out.append(']').toString();
    }

    /** One result as a Native DICOM Model XML document, a part of the multipart XML answer. */
    static String xml(QueryResult result, ResourceUrls urls) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("NativeDicomModel");
            xml.writeDefaultNamespace(XML_NAMESPACE);
            for (Element element : elements(result, urls).values()) {
                writeXmlElement(element, xml);
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing XML to a string cannot fail", e);
        }
        return text.toString();
    }

    private static Map<Integer, Element> elements(QueryResult result, ResourceUrls urls) {
        Map<Integer, Element> elements = new TreeMap<>(Integer::compareUnsigned);
        result.attributes().forEach((tag, values) -> {
            Attribute attribute = CATALOG.find(tag).orElseThrow(() ->
                    new IllegalStateException("the engine returned an attribute outside the catalog: " + tag));
            elements.put(tag, new Element(tag, attribute.keyword(), attribute.vr().name(), values));
        });
        elements.put(0x00080056, new Element(0x00080056, "InstanceAvailability", "CS", List.of("ONLINE")));
        elements.put(0x00081190, new Element(0x00081190, "RetrieveURL", "UR", List.of(retrieveUrl(result, urls))));
        return elements;
    }

    private static String retrieveUrl(QueryResult result, ResourceUrls urls) {
        String study = result.value(0x0020000D);
        return switch (result.level()) {
            case STUDY -> urls.study(study);
            case SERIES -> urls.series(study, result.value(0x0020000E));
            case INSTANCE -> urls.instance(study, result.value(0x0020000E), result.value(0x00080018));
            case PATIENT -> throw new IllegalArgumentException("QIDO-RS has no patient level");
        };
    }

    private static void writeJsonObject(Map<Integer, Element> elements, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (Element element : elements.values()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('"').append(String.format("%08X", element.tag())).append("\":{\"vr\":\"")
                    .append(element.vr()).append('"');
            if (!element.values().isEmpty()) {
                out.append(",\"Value\":[");
                for (int i = 0; i < element.values().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeJsonValue(element.vr(), element.values().get(i), out);
                }
                out.append(']');
            }
            out.append('}');
        }
        out.append('}');
    }

    private static void writeJsonValue(String vr, String value, StringBuilder out) {
        if (vr.equals(Vr.PN.name())) {
            // PS3.18 F.2.2: a name is an object of its component groups, alphabetic first.
            String[] groups = value.split("=", -1);
            out.append('{');
            boolean first = true;
            for (int g = 0; g < Math.min(groups.length, PN_GROUPS.length); g++) {
                if (!groups[g].isEmpty()) {
                    out.append(first ? "" : ",").append('"').append(PN_GROUPS[g]).append("\":");
                    writeJsonString(groups[g], out);
                    first = false;
                }
            }
            out.append('}');
        } else if ((vr.equals(Vr.IS.name()) || vr.equals(Vr.US.name())) && value.strip().matches("[+-]?[0-9]{1,18}")) {
            out.append(Long.parseLong(value.strip()));
        } else if (value.isEmpty()) {
            out.append("null"); // PS3.18 F.2.5: an empty value among others is null
        } else {
            writeJsonString(value, out);
        }
    }

    private static void writeJsonString(String s, StringBuilder out) {
        JsonStrings.append(s, out);
    }

    private static void writeXmlElement(Element element, XMLStreamWriter xml) throws XMLStreamException {
        xml.writeStartElement("DicomAttribute");
        xml.writeAttribute("tag", String.format("%08X", element.tag()));
        xml.writeAttribute("vr", element.vr());
        xml.writeAttribute("keyword", element.keyword());
        for (int i = 0; i < element.values().size(); i++) {
            String value = element.values().get(i);
            if (element.vr().equals(Vr.PN.name())) {
                xml.writeStartElement("PersonName");
                xml.writeAttribute("number", String.valueOf(i + 1));
                String[] groups = value.split("=", -1);
                for (int g = 0; g < Math.min(groups.length, PN_GROUPS.length); g++) {
                    if (groups[g].isEmpty()) {
                        continue;
                    }
                    xml.writeStartElement(PN_GROUPS[g]);
                    String[] components = groups[g].split("\\^", -1);
                    for (int c = 0; c < Math.min(components.length, PN_COMPONENTS.length); c++) {
                        if (!components[c].isEmpty()) {
                            xml.writeStartElement(PN_COMPONENTS[c]);
                            xml.writeCharacters(components[c]);
                            xml.writeEndElement();
                        }
                    }
                    xml.writeEndElement();
                }
                xml.writeEndElement();
            } else {
                xml.writeStartElement("Value");
                xml.writeAttribute("number", String.valueOf(i + 1));
                xml.writeCharacters(value);
                xml.writeEndElement();
            }
        }
        xml.writeEndElement();
    }
}
