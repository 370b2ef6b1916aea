package org.vesalius.server.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.images.OpaqueIds;
import org.vesalius.storage.tags.DuplicateTagException;
import org.vesalius.storage.tags.SearchHit;
import org.vesalius.storage.tags.SearchPage;
import org.vesalius.storage.tags.Tag;
import org.vesalius.storage.tags.TagAssignment;
import org.vesalius.storage.tags.TagNames;
import org.vesalius.storage.tags.TagRepository;
import org.vesalius.storage.tags.TagSearch;
import org.vesalius.storage.tags.TaggedType;

/**
 * Tags: {@code POST/GET /tags}, {@code GET/PATCH/DELETE /tags/{name}}, attaching them with
 * {@code PUT/DELETE /{studies|series|instances|images}/{id}/tags/{tag}}, listing an object's with
 * {@code GET /{...}/{id}/tags}, and {@code GET /search}.
 */
final class TagsApi {
    private static final int MAX_DESCRIPTION = 1024;
    /** tagLike: the characters of tag names plus the LIKE wildcards % and _ (no escape character). */
    private static final Pattern LIKE = Pattern.compile("[A-Za-z0-9._:%-]{1,64}");

    private final TagRepository tags;
    private final AuditLog auditLog;

    TagsApi(TagRepository tags, AuditLog auditLog) {
        this.tags = tags;
        this.auditLog = auditLog;
    }

    /** {@code POST /tags} with {"name", "description"}: 201, or 409 when the name (in any case) is taken. */
    void create(ServerRequest request, ServerResponse response) {
        JsonObject body = JsonIo.readObject(request);
        String name = validName(JsonIo.requiredString(body, "name"));
        String description = validDescription(JsonIo.optionalString(body, "description"));
        Origin origin = RequestPrincipal.of(request);
        Tag tag;
        try {
            tag = tags.create(name, description, origin.name());
        } catch (DuplicateTagException e) {
            throw ApiException.conflict(e.getMessage());
        }
        auditLog.record(origin, "TAG_CREATED", "tags/" + name, AuditLog.Outcome.SUCCESS, "201", null);
        response.header(HeaderNames.LOCATION, "/api/tags/" + tag.name());
        JsonIo.send(response, 201, json -> tag(json, tag));
    }

    void list(ServerRequest request, ServerResponse response) {
        Params.Page page = Params.page(request);
        long total = tags.count();
        List<Tag> items = tags.list(page.limit(), page.offset());
        JsonIo.send(response, 200, json -> {
            json.writeStartObject().writeStartArray("items");
            items.forEach(tag -> tag(json, tag));
            json.writeEnd().write("total", total).writeEnd();
        });
    }

    void get(ServerRequest request, ServerResponse response) {
        String name = pathName(request, "name");
        Tag tag = tags.find(name).orElseThrow(() -> noTag(name));
        JsonIo.send(response, 200, json -> tag(json, tag));
    }

    /** {@code PATCH /tags/{name}} with {"name"} to rename and/or {"description"}. */
    void update(ServerRequest request, ServerResponse response) {
        String name = pathName(request, "name");
        JsonObject body = JsonIo.readObject(request);
        String newName = JsonIo.optionalString(body, "name");
        if (newName != null) {
            validName(newName);
        }
        String description = validDescription(JsonIo.optionalString(body, "description"));
        Tag tag;
        try {
            tag = tags.update(name, newName, description).orElseThrow(() -> noTag(name));
        } catch (DuplicateTagException e) {
            throw ApiException.conflict(e.getMessage());
        }
        auditLog.record(RequestPrincipal.of(request), "TAG_UPDATED", "tags/" + name, AuditLog.Outcome.SUCCESS, "200",
                newName == null ? null : "renamed to " + newName);
        JsonIo.send(response, 200, json -> tag(json, tag));
    }

    /** {@code DELETE /tags/{name}}: the tag and all its assignments. */
    void delete(ServerRequest request, ServerResponse response) {
        String name = pathName(request, "name");
        if (!tags.delete(name)) {
            throw noTag(name);
        }
        auditLog.record(RequestPrincipal.of(request), "TAG_DELETED", "tags/" + name, AuditLog.Outcome.SUCCESS, "204", null);
        response.status(204).send();
    }

    /** {@code PUT /{kind}/{id}/tags/{tag}}: 204 whether newly attached or already there. */
    void assign(TaggedType type, ServerRequest request, ServerResponse response) {
        String id = objectId(type, request);
        String name = pathName(request, "tag");
        Origin origin = RequestPrincipal.of(request);
        try {
            if (tags.assign(name, type, id, origin.name())) {
                auditLog.record(origin, "TAG_ASSIGNED", type.code() + "/" + id, AuditLog.Outcome.SUCCESS, "204", name);
            }
        } catch (NoSuchElementException e) {
            throw noTag(name);
        }
        response.status(204).send();
    }

    /** {@code DELETE /{kind}/{id}/tags/{tag}}: 404 when the object does not carry the tag. */
    void unassign(TaggedType type, ServerRequest request, ServerResponse response) {
        String id = objectId(type, request);
        String name = pathName(request, "tag");
        if (!tags.unassign(name, type, id)) {
            throw ApiException.notFound(type.code() + " " + id + " has no tag \"" + name + "\"");
        }
        auditLog.record(RequestPrincipal.of(request), "TAG_UNASSIGNED", type.code() + "/" + id,
                AuditLog.Outcome.SUCCESS, "204", name);
        response.status(204).send();
    }

    /** {@code GET /{kind}/{id}/tags}. */
    void tagsOf(TaggedType type, ServerRequest request, ServerResponse response) {
        String id = objectId(type, request);
        List<TagAssignment> assigned = tags.tagsOf(type, id);
        JsonIo.send(response, 200, json -> {
            json.writeStartObject().writeStartArray("items");
            for (TagAssignment a : assigned) {
                json.writeStartObject().write("name", a.tagName()).write("assignedAt", a.assignedAt().toString())
                        .write("assignedBy", a.assignedBy()).writeEnd();
            }
            json.writeEnd().write("total", assigned.size()).writeEnd();
        });
    }

    /**
     * {@code GET /search?tag=&tag=&tagLike=&from=&to=&type=&limit=&offset=}: objects carrying every
     * {@code tag} and (when given) a tag matching {@code tagLike}; {@code from}/{@code to} filter the
     * tagging date (when the tag was attached), not the acquisition date.
     */
    void search(ServerRequest request, ServerResponse response) {
        List<String> allOf = new ArrayList<>();
        for (String name : request.query().all("tag", List::of)) {
            allOf.add(validName(name));
        }
        String like = request.query().first("tagLike").orElse(null);
        if (like != null && !LIKE.matcher(like).matches()) {
            throw ApiException.badRequest("tagLike must be 1 to 64 of A-Z a-z 0-9 . _ : - and the wildcard %");
        }
        TaggedType type = request.query().first("type").map(t -> TaggedType.fromCode(t).orElseThrow(() ->
                ApiException.badRequest("type must be study, series, instance or image"))).orElse(null);
        Params.Page page = Params.page(request);
        SearchPage found = tags.search(new TagSearch(allOf, like, Params.from(request), Params.to(request), type,
                page.limit(), page.offset()));
        JsonIo.send(response, 200, json -> {
            json.writeStartObject().writeStartArray("items");
            for (SearchHit hit : found.items()) {
                json.writeStartObject().write("type", hit.type().code()).write("id", hit.id()).writeStartArray("tags");
                hit.tags().forEach(json::write);
                json.writeEnd().writeEnd();
            }
            json.writeEnd().write("total", found.total()).writeEnd();
        });
    }

    /** The object id of the path, checked (400) and looked up (404). */
    private String objectId(TaggedType type, ServerRequest request) {
        String id = request.path().pathParameters().get("id");
        boolean valid = type == TaggedType.IMAGE ? OpaqueIds.isValid(id) : Uids.isValid(id);
        if (!valid) {
            throw ApiException.badRequest("not a valid " + (type == TaggedType.IMAGE ? "image id" : "UID") + ": " + id);
        }
        if (!tags.exists(type, id)) {
            throw ApiException.notFound("no " + type.code() + " " + id);
        }
        return id;
    }

    private static String pathName(ServerRequest request, String parameter) {
        return validName(request.path().pathParameters().get(parameter));
    }

    private static String validName(String name) {
        if (!TagNames.isValid(name)) {
            throw ApiException.badRequest("not a valid tag name (1 to 64 of A-Z a-z 0-9 . _ : -, starting with a letter or digit)");
        }
        return name;
    }

    private static String validDescription(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    private static ApiException noTag(String name) {
        return ApiException.notFound("no tag \"" + name + "\"");
    }

    private static void tag(JsonGenerator json, Tag tag) {
        json.writeStartObject().write("name", tag.name());
        if (tag.description() == null) {
            json.writeNull("description");
        } else {
            json.write("description", tag.description());
        }
        json.write("createdAt", tag.createdAt().toString()).write("createdBy", tag.createdBy()).writeEnd();
    }
}
