package org.vesalius.dicomweb.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the few values tests check out of a STOW-RS DICOM JSON response. The service writes
 * elements in tag order, so the FailedSOPSequence (0008,1198) comes before the ReferencedSOPSequence
 * (0008,1199), and a response is split at their tags.
 */
public record StowJson(String json) {
    private static final Pattern SOP_INSTANCE = Pattern.compile("\"00081155\":\\{\"vr\":\"UI\",\"Value\":\\[\"([0-9.]+)\"]}");
    private static final Pattern FAILURE_REASON = Pattern.compile("\"00081197\":\\{\"vr\":\"US\",\"Value\":\\[([0-9]+)]}");
    private static final Pattern URL = Pattern.compile("\"00081190\":\\{\"vr\":\"UR\",\"Value\":\\[\"([^\"]+)\"]}");

    public List<String> referencedSopInstances() {
        return all(SOP_INSTANCE, referencedPart());
    }

    public List<String> referencedRetrieveUrls() {
        return all(URL, referencedPart());
    }

    public List<String> failedSopInstances() {
        return all(SOP_INSTANCE, failedPart());
    }

    public List<Integer> failureReasons() {
        return all(FAILURE_REASON, failedPart()).stream().map(Integer::valueOf).toList();
    }

    /** The top-level RetrieveURL (the study), or null. */
    public String studyRetrieveUrl() {
        List<String> urls = all(URL, json.startsWith("{\"00081190\"") ? json.substring(0, json.indexOf('}') + 1) : "");
        return urls.isEmpty() ? null : urls.getFirst();
    }

    private String failedPart() {
        int start = json.indexOf("\"00081198\"");
        if (start < 0) {
            return "";
        }
        int end = json.indexOf("\"00081199\"");
        return end < 0 ? json.substring(start) : json.substring(start, end);
    }

    private String referencedPart() {
        int start = json.indexOf("\"00081199\"");
        return start < 0 ? "" : json.substring(start);
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> values = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            values.add(matcher.group(1));
        }
        return values;
    }
}
