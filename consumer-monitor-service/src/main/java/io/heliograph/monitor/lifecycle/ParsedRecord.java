package io.heliograph.monitor.lifecycle;

import java.util.List;
import java.util.Map;

/**
 * A record's value read into rows.
 *
 * @param rows     the rows, field name to value (JSON values keep their type, CSV values are strings)
 * @param rowCount the rows found; for unreadable CSV the number of non-blank lines after the header
 * @param error    why the value could not be read, or null
 */
public record ParsedRecord(DataType dataType, List<Map<String, Object>> rows, int rowCount, String error) {

    public boolean readable() {
        return error == null;
    }
}
