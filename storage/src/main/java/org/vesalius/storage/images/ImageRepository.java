package org.vesalius.storage.images;

import static org.vesalius.schema.jooq.Tables.IMAGE;
import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;
import static org.vesalius.schema.jooq.Tables.SUBJECT;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectOnConditionStep;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.vesalius.storage.index.Database;

/**
 * The images of the REST API in the index: a subject's DICOM instances and NIfTI volumes under one
 * opaque id. DICOM bytes and UIDs stay in the instance rows of the ingest path; an image row only
 * ties the instance to its subject and id.
 */
public final class ImageRepository {
    /** Unique violation: two writers inserted the same subject (or image of an instance) at once. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int MAX_ATTEMPTS = 3;

    private final Database database;
    private final Clock clock;

    public ImageRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** What {@link #addDicom} did: a new image, or the one the instance already was. */
    public record Added(StoredImage image, boolean created) {
    }

    /**
     * Records a NIfTI volume whose blob is already durable under {@code blobKey}.
     *
     * @param subjectId a validated subject id
     */
    public StoredImage addNifti(String imageId, String subjectId, NiftiHeader header, String blobKey, long sizeBytes,
                                String sha256Hex, String createdBy) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        StoredImage.Nifti nifti = StoredImage.Nifti.of(header);
        inTransaction(tx -> {
            long subjectPk = subjectPk(tx, subjectId, createdBy, now);
            return tx.insertInto(IMAGE)
                    .set(IMAGE.IMAGE_ID, imageId)
                    .set(IMAGE.IMAGE_TYPE, ImageType.NIFTI.code())
                    .set(IMAGE.SUBJECT_FK, subjectPk)
                    .set(IMAGE.BLOB_KEY, blobKey)
                    .set(IMAGE.SIZE_BYTES, sizeBytes)
                    .set(IMAGE.DIGEST_SHA256, sha256Hex)
                    .set(IMAGE.GZIPPED, nifti.gzipped())
                    .set(IMAGE.NIFTI_VERSION, nifti.version())
                    .set(IMAGE.NIFTI_DIMS, nifti.dims())
                    .set(IMAGE.NIFTI_VOXEL_SIZES, nifti.voxelSizes())
                    .set(IMAGE.NIFTI_DATATYPE, nifti.datatype())
                    .set(IMAGE.NIFTI_QFORM_CODE, nifti.qformCode())
                    .set(IMAGE.NIFTI_SFORM_CODE, nifti.sformCode())
                    .set(IMAGE.NIFTI_ORIENTATION, nifti.orientation())
                    .set(IMAGE.CREATED_AT, now)
                    .set(IMAGE.CREATED_BY, createdBy)
                    .execute();
        });
        return find(imageId).orElseThrow();
    }

    /**
     * Makes the indexed instance {@code sopInstanceUid} an image of {@code subjectId}, or finds the
     * image it already is (one image per instance).
     *
     * @throws IllegalStateException when no such instance is indexed
     */
    public Added addDicom(String subjectId, String sopInstanceUid, String createdBy) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        String newId = OpaqueIds.next();
        String id = inTransaction(tx -> {
            Long instancePk = tx.select(INSTANCE.PK).from(INSTANCE)
                    .where(INSTANCE.SOP_INSTANCE_UID.eq(sopInstanceUid)).fetchOne(INSTANCE.PK);
            if (instancePk == null) {
                throw new IllegalStateException("instance " + sopInstanceUid + " is not indexed");
            }
            String existing = tx.select(IMAGE.IMAGE_ID).from(IMAGE).where(IMAGE.INSTANCE_FK.eq(instancePk))
                    .fetchOne(IMAGE.IMAGE_ID);
            if (existing != null) {
                return existing;
            }
            tx.insertInto(IMAGE)
                    .set(IMAGE.IMAGE_ID, newId)
                    .set(IMAGE.IMAGE_TYPE, ImageType.DICOM.code())
                    .set(IMAGE.SUBJECT_FK, subjectPk(tx, subjectId, createdBy, now))
                    .set(IMAGE.INSTANCE_FK, instancePk)
                    .set(IMAGE.CREATED_AT, now)
                    .set(IMAGE.CREATED_BY, createdBy)
                    .execute();
            return newId;
        });
        return new Added(find(id).orElseThrow(), id.equals(newId));
    }

    public Optional<StoredImage> find(String imageId) {
        if (!OpaqueIds.isValid(imageId)) {
            return Optional.empty();
        }
        return select(database.dsl()).where(IMAGE.IMAGE_ID.eq(imageId)).fetchOptional(ImageRepository::toImage);
    }

    /** One page of a subject's images, newest first. */
    public List<StoredImage> list(String subjectId, ImageFilter filter, int limit, int offset) {
        return select(database.dsl())
                .where(SUBJECT.SUBJECT_ID.eq(subjectId), conditions(filter))
                .orderBy(IMAGE.CREATED_AT.desc(), IMAGE.PK.desc())
                .limit(limit)
                .offset(offset)
                .fetch(ImageRepository::toImage);
    }

    public long count(String subjectId, ImageFilter filter) {
        return database.dsl().selectCount().from(IMAGE).join(SUBJECT).on(SUBJECT.PK.eq(IMAGE.SUBJECT_FK))
                .where(SUBJECT.SUBJECT_ID.eq(subjectId), conditions(filter))
                .fetchOne(0, Long.class);
    }

    /** One page of all subjects, by subject id, with their counts. */
    public List<SubjectSummary> subjects(int limit, int offset) {
        Field<Integer> images = DSL.selectCount().from(IMAGE).where(IMAGE.SUBJECT_FK.eq(SUBJECT.PK)).asField("images");
        Field<Integer> instances = DSL.selectCount().from(INSTANCE).where(INSTANCE.SUBJECT_FK.eq(SUBJECT.PK))
                .asField("instances");
        return database.dsl().select(SUBJECT.SUBJECT_ID, images, instances)
                .from(SUBJECT)
                .orderBy(SUBJECT.SUBJECT_ID)
                .limit(limit)
                .offset(offset)
                .fetch(r -> new SubjectSummary(r.value1(), r.value2(), r.value3()));
    }

    public long countSubjects() {
        return database.dsl().fetchCount(SUBJECT);
    }

    /** Removes a NIfTI image's row (its blob is the caller's to remove after). True if there was one. */
    public boolean deleteNifti(String imageId) {
        return database.dsl().deleteFrom(IMAGE)
                .where(IMAGE.IMAGE_ID.eq(imageId), IMAGE.IMAGE_TYPE.eq(ImageType.NIFTI.code()))
                .execute() == 1;
    }

    private static Condition conditions(ImageFilter filter) {
        List<Condition> conditions = new ArrayList<>();
        if (filter.type() != null) {
            conditions.add(IMAGE.IMAGE_TYPE.eq(filter.type().code()));
        }
        if (filter.from() != null) {
            conditions.add(IMAGE.CREATED_AT.ge(filter.from().atOffset(ZoneOffset.UTC)));
        }
        if (filter.to() != null) {
            conditions.add(IMAGE.CREATED_AT.lt(filter.to().atOffset(ZoneOffset.UTC)));
        }
        return DSL.and(conditions);
    }

    private static long subjectPk(DSLContext tx, String subjectId, String createdBy, OffsetDateTime now) {
        Long pk = tx.select(SUBJECT.PK).from(SUBJECT).where(SUBJECT.SUBJECT_ID.eq(subjectId)).fetchOne(SUBJECT.PK);
        if (pk != null) {
            return pk;
        }
        return tx.insertInto(SUBJECT)
                .set(SUBJECT.SUBJECT_ID, subjectId)
                .set(SUBJECT.CREATED_AT, now)
                .set(SUBJECT.CREATED_BY, createdBy)
                .returning(SUBJECT.PK)
                .fetchOne()
                .getPk();
    }

    /** Runs work in a transaction, again when it lost an insert race (the next attempt finds the winner's row). */
    private <T> T inTransaction(Function<DSLContext, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return database.dsl().transactionResult(configuration -> work.apply(configuration.dsl()));
            } catch (DataAccessException e) {
                if (attempt >= MAX_ATTEMPTS || !UNIQUE_VIOLATION.equals(e.sqlState())) {
                    throw e;
                }
            }
        }
    }

    private static SelectOnConditionStep<Record> select(DSLContext dsl) {
        return dsl.select(List.of(IMAGE.PK, IMAGE.IMAGE_ID, IMAGE.IMAGE_TYPE, SUBJECT.SUBJECT_ID, IMAGE.CREATED_AT,
                        IMAGE.CREATED_BY, IMAGE.BLOB_KEY, IMAGE.SIZE_BYTES, IMAGE.DIGEST_SHA256, IMAGE.GZIPPED,
                        IMAGE.NIFTI_VERSION, IMAGE.NIFTI_DIMS, IMAGE.NIFTI_VOXEL_SIZES, IMAGE.NIFTI_DATATYPE,
                        IMAGE.NIFTI_QFORM_CODE, IMAGE.NIFTI_SFORM_CODE, IMAGE.NIFTI_ORIENTATION,
                        INSTANCE.SOP_INSTANCE_UID, INSTANCE.SOP_CLASS_UID, INSTANCE.SIZE_BYTES,
                        INSTANCE.DIGEST_SHA256, INSTANCE.BLOB_KEY, SERIES.SERIES_INSTANCE_UID, STUDY.STUDY_INSTANCE_UID))
                .from(IMAGE)
                .join(SUBJECT).on(SUBJECT.PK.eq(IMAGE.SUBJECT_FK))
                .leftJoin(INSTANCE).on(INSTANCE.PK.eq(IMAGE.INSTANCE_FK))
                .leftJoin(SERIES).on(SERIES.PK.eq(INSTANCE.SERIES_FK))
                .leftJoin(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK));
    }

    private static StoredImage toImage(Record r) {
        ImageType type = ImageType.fromCode(r.get(IMAGE.IMAGE_TYPE)).orElseThrow();
        if (type == ImageType.DICOM) {
            return new StoredImage(r.get(IMAGE.IMAGE_ID), type, r.get(SUBJECT.SUBJECT_ID),
                    r.get(IMAGE.CREATED_AT).toInstant(), r.get(IMAGE.CREATED_BY), r.get(INSTANCE.SIZE_BYTES),
                    r.get(INSTANCE.DIGEST_SHA256), r.get(INSTANCE.BLOB_KEY),
                    new StoredImage.Dicom(r.get(STUDY.STUDY_INSTANCE_UID), r.get(SERIES.SERIES_INSTANCE_UID),
                            r.get(INSTANCE.SOP_INSTANCE_UID), r.get(INSTANCE.SOP_CLASS_UID)),
                    null);
        }
        return new StoredImage(r.get(IMAGE.IMAGE_ID), type, r.get(SUBJECT.SUBJECT_ID),
                r.get(IMAGE.CREATED_AT).toInstant(), r.get(IMAGE.CREATED_BY), r.get(IMAGE.SIZE_BYTES),
                r.get(IMAGE.DIGEST_SHA256), r.get(IMAGE.BLOB_KEY), null,
                new StoredImage.Nifti(r.get(IMAGE.NIFTI_VERSION), r.get(IMAGE.GZIPPED), r.get(IMAGE.NIFTI_DIMS),
                        r.get(IMAGE.NIFTI_VOXEL_SIZES), r.get(IMAGE.NIFTI_DATATYPE), r.get(IMAGE.NIFTI_QFORM_CODE),
                        r.get(IMAGE.NIFTI_SFORM_CODE), r.get(IMAGE.NIFTI_ORIENTATION)));
    }
}
