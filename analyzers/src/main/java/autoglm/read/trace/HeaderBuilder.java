package autoglm.read.trace;

import autoglm.model.trace.DeviceProperties;
import autoglm.model.trace.TraceHeader;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Collects the trace-level fields as they stream past. */
final class HeaderBuilder {
    Long baseTime;
    String displayTimeUnit;
    Integer schemaVersion;
    String traceName;
    Integer rank;
    Integer worldSize;
    Boolean recordShapes;
    Integer cudaRuntime;
    Integer cudaDriver;
    final List<DeviceProperties> devices = new ArrayList<>();
    boolean arrayFormat;

    void field(String field, JsonToken value, JsonParser p) throws IOException {
        switch (field) {
            case "baseTimeNanoseconds":
                baseTime = longOrNull(value, p);
                break;
            case "displayTimeUnit":
                displayTimeUnit = value == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                break;
            case "schemaVersion":
                schemaVersion = intOrNull(value, p);
                break;
            case "traceName":
                traceName = value == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                break;
            case "record_shapes": {
                Integer i = value == JsonToken.VALUE_NUMBER_INT ? intOrNull(value, p) : null;
                recordShapes = i != null ? Boolean.valueOf(i != 0)
                        : value == JsonToken.VALUE_TRUE ? Boolean.TRUE
                        : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : skip(p);
                break;
            }
            case "cuda_runtime_version":
                cudaRuntime = intOrNull(value, p);
                break;
            case "cuda_driver_version":
                cudaDriver = intOrNull(value, p);
                break;
            case "distributedInfo":
                readDistributed(value, p);
                break;
            case "deviceProperties":
                readDevices(value, p);
                break;
            default:
                p.skipChildren();
        }
    }

    /** Skips a value of the wrong type (an array or object whole); null. */
    private static <T> T skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /** An integer that fits an int, else null (a wrong type or a number out of range is no value). */
    private static Integer intOrNull(JsonToken value, JsonParser p) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        return skip(p);
    }

    private static Long longOrNull(JsonToken value, JsonParser p) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() == JsonParser.NumberType.INT
                || p.getNumberType() == JsonParser.NumberType.LONG)) {
            return p.getLongValue();
        }
        return skip(p);
    }

    private void readDistributed(JsonToken value, JsonParser p) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NUMBER_INT && "rank".equals(f)) {
                rank = intOrNull(v, p);
            } else if (v == JsonToken.VALUE_NUMBER_INT && "world_size".equals(f)) {
                worldSize = intOrNull(v, p);
            } else {
                p.skipChildren();
            }
        }
    }

    private void readDevices(JsonToken value, JsonParser p) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonEOFException(p, null, "end of input inside deviceProperties");
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            int id = -1;
            int major = -1;
            int minor = -1;
            int sms = -1;
            int threadsPerSm = -1;
            int regsPerSm = -1;
            long mem = -1;
            long smemPerSm = -1;
            String name = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                boolean num = v == JsonToken.VALUE_NUMBER_INT;
                switch (f) {
                    case "id":
                        id = num ? KinetoTraceReader.intOf(p, id) : id;
                        break;
                    case "name":
                        name = v == JsonToken.VALUE_STRING ? p.getText() : name;
                        break;
                    case "computeMajor":
                        major = num ? KinetoTraceReader.intOf(p, major) : major;
                        break;
                    case "computeMinor":
                        minor = num ? KinetoTraceReader.intOf(p, minor) : minor;
                        break;
                    case "numSms":
                        sms = num ? KinetoTraceReader.intOf(p, sms) : sms;
                        break;
                    case "totalGlobalMem":
                        mem = num ? KinetoTraceReader.longOf(p, mem) : mem;
                        break;
                    case "maxThreadsPerMultiprocessor":
                        threadsPerSm = num ? KinetoTraceReader.intOf(p, threadsPerSm) : threadsPerSm;
                        break;
                    case "regsPerMultiprocessor":
                        regsPerSm = num ? KinetoTraceReader.intOf(p, regsPerSm) : regsPerSm;
                        break;
                    case "sharedMemPerMultiprocessor":
                        smemPerSm = num ? KinetoTraceReader.longOf(p, smemPerSm) : smemPerSm;
                        break;
                    default:
                        p.skipChildren();
                }
            }
            devices.add(new DeviceProperties(id, name, major, minor, sms, mem, threadsPerSm, regsPerSm, smemPerSm));
        }
    }

    TraceHeader build() {
        return new TraceHeader(baseTime, displayTimeUnit, schemaVersion, traceName, rank, worldSize,
                recordShapes, cudaRuntime, cudaDriver, List.copyOf(devices), arrayFormat);
    }
}
