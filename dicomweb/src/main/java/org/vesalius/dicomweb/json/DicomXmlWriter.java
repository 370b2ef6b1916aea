package org.vesalius.dicomweb.json;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a {@link DataSet} in the XML encoding of DICOMweb responses, the Native DICOM Model of
 * PS3.19 A.1: the sibling of {@link DicomJsonWriter} for clients that ask for application/dicom+xml.
 */
public final class DicomXmlWriter {
    private static final String NAMESPACE = "http://dicom.nema.org/PS3.19/models/NativeDICOM";

    private DicomXmlWriter() {
    }

    public static String write(DataSet dataSet) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("NativeDicomModel");
            xml.writeDefaultNamespace(NAMESPACE);
            writeElements(dataSet, xml);
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing XML to a string cannot fail", e);
        }
        return text.toString();
    }

    private static void writeElements(DataSet dataSet, XMLStreamWriter xml) throws XMLStreamException {
        for (DataSet.Element element : dataSet.elements()) {
            xml.writeStartElement("DicomAttribute");
            xml.writeAttribute("tag", DataSet.hexTag(element.tag()));
            xml.writeAttribute("vr", element.vr());
            xml.writeAttribute("keyword", element.keyword());
            for (int i = 0; i < element.values().size(); i++) {
                Object value = element.values().get(i);
                xml.writeStartElement(value instanceof DataSet ? "Item" : "Value");
                xml.writeAttribute("number", String.valueOf(i + 1));
                if (value instanceof DataSet item) {
                    writeElements(item, xml);
                } else {
                    xml.writeCharacters(value.toString());
                }
                xml.writeEndElement();
            }
            xml.writeEndElement();
        }
    }
}
