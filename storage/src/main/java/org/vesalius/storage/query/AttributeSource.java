package org.vesalius.storage.query;

import java.util.Map;
import org.jooq.Field;
import org.jooq.Table;

/** Where the engine finds an attribute's value in the index. */
public sealed interface AttributeSource {

    /**
     * A column of the attribute's level. PN attributes also name their upper-cased copy, which
     * case-insensitive (fuzzy) matching compares against.
     */
    record Column(Field<?> field, Field<String> upperCase) implements AttributeSource {
        public static Column of(Field<?> field) {
            return new Column(field, null);
        }
    }

    /**
     * The number of {@code rows} per owner ({@code ownerKey} is the pk of a row at the
     * attribute's level). Counted with one grouped query per batch of results, never per row;
     * a return key only.
     */
    record Count(Table<?> rows, Field<Long> ownerKey) implements AttributeSource {
    }

    /**
     * The distinct non-empty values of a column of the owner's children (ModalitiesInStudy: the
     * modalities of the study's series). Matches when any child matches, through an EXISTS on
     * {@code rows}, which must be an alias of its own so it never clashes with the main query.
     */
    record ChildValues(Table<?> rows, Field<Long> ownerKey, Field<String> value) implements AttributeSource {
    }

    /**
     * A column that depends on the query's level (SpecificCharacterSet: the instance's at instance
     * level, the study's above it); a return key only.
     */
    record PerLevel(Map<QueryLevel, Field<String>> fields) implements AttributeSource {
        public PerLevel {
            fields = Map.copyOf(fields);
        }
    }
}
