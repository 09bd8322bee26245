package dev.safedeploy.platform.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * TLC trip records as Parquet (the TLC's format since 2022). Reads only the needed columns, column by column (flat
 * schema: one value or null per row), through parquet-hadoop's file reader on a local InputFile: no Hadoop install.
 * Row numbers stand in for line numbers in errors.
 */
final class ParquetTripRows implements TripRows {

  @Override
  public void read(Path file, List<String> numericColumns, Handler handler) {
    long row = 0;
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFileMetaData().getSchema();
      List<String> available = new ArrayList<>();
      for (Type t : schema.getFields()) {
        available.add(t.getName());
      }
      String pickupName = TripRows.resolve(PICKUP_COLUMNS, available, file, 0);
      String dropoffName = TripRows.resolve(DROPOFF_COLUMNS, available, file, 0);
      List<PrimitiveType> wanted = new ArrayList<>();
      wanted.add(primitive(schema, pickupName, file));
      wanted.add(primitive(schema, dropoffName, file));
      for (String c : numericColumns) {
        if (!available.contains(c)) {
          throw TripRows.missing(c, available, file, 0);
        }
        wanted.add(primitive(schema, c, file));
      }
      List<Type> distinct = new ArrayList<>();
      for (PrimitiveType t : wanted) {
        if (distinct.stream().noneMatch(d -> d.getName().equals(t.getName()))) {
          distinct.add(t);
        }
      }
      MessageType projection = Types.buildMessage().addFields(distinct.toArray(new Type[0])).named("trips");
      reader.setRequestedSchema(projection);
      String createdBy = reader.getFileMetaData().getCreatedBy();
      GroupRecordConverter converter = new GroupRecordConverter(projection);
      double[] values = new double[numericColumns.size()];

      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, converter.getRootConverter(), projection,
            createdBy);
        Column[] columns = new Column[wanted.size()];
        for (int i = 0; i < columns.length; i++) {
          ColumnDescriptor d = projection.getColumnDescription(new String[] {wanted.get(i).getName()});
          columns[i] = new Column(wanted.get(i), d);
        }
        // a column listed twice (e.g. a feature that is also a filter column) shares one reader
        for (int i = 0; i < columns.length; i++) {
          columns[i].reader = null;
          for (int j = 0; j < i; j++) {
            if (columns[j].type.getName().equals(columns[i].type.getName())) {
              columns[i].sharedWith = j;
            }
          }
          if (columns[i].sharedWith < 0) {
            columns[i].reader = store.getColumnReader(columns[i].descriptor);
          }
        }
        long rows = pages.getRowCount();
        double[] current = new double[columns.length];
        long[] times = new long[2];
        for (long r = 0; r < rows; r++) {
          row++;
          for (int i = 0; i < columns.length; i++) {
            Column c = columns[i];
            if (c.sharedWith >= 0) {
              if (i < 2) {
                times[i] = times[c.sharedWith];
              } else {
                current[i] = c.sharedWith < 2 ? Double.NaN : current[c.sharedWith];
              }
              continue;
            }
            ColumnReader cr = c.reader;
            boolean present = cr.getCurrentDefinitionLevel() == c.descriptor.getMaxDefinitionLevel();
            if (i < 2) {
              times[i] = present ? c.seconds() : Long.MIN_VALUE;
            } else {
              current[i] = present ? c.number() : Double.NaN;
            }
            cr.consume();
          }
          System.arraycopy(current, 2, values, 0, values.length);
          handler.row(row, times[0], times[1], values);
        }
      }
    } catch (BadDataException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BadDataException(file, row,
          "not a readable Parquet file (corrupt or truncated?): " + e.getClass().getSimpleName() + ": "
              + e.getMessage());
    }
  }

  private static PrimitiveType primitive(MessageType schema, String name, Path file) {
    Type t = schema.getType(name);
    if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
      throw new BadDataException(file, 0, "column '" + name + "' is not a flat column: " + t);
    }
    return t.asPrimitiveType();
  }

  /** One projected column and how to turn its physical values into numbers and wall-clock seconds. */
  private static final class Column {
    final PrimitiveType type;
    final ColumnDescriptor descriptor;
    final long perSecond;
    ColumnReader reader;
    int sharedWith = -1;

    Column(PrimitiveType type, ColumnDescriptor descriptor) {
      this.type = type;
      this.descriptor = descriptor;
      LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
      if (logical instanceof TimestampLogicalTypeAnnotation ts) {
        perSecond = switch (ts.getUnit()) {
          case MILLIS -> 1_000L;
          case MICROS -> 1_000_000L;
          case NANOS -> 1_000_000_000L;
        };
      } else {
        perSecond = 1L; // plain INT64 epoch seconds
      }
    }

    double number() {
      return switch (type.getPrimitiveTypeName()) {
        case INT32 -> reader.getInteger();
        case INT64 -> reader.getLong();
        case FLOAT -> reader.getFloat();
        case DOUBLE -> reader.getDouble();
        case BOOLEAN -> reader.getBoolean() ? 1 : 0;
        case BINARY, FIXED_LEN_BYTE_ARRAY -> {
          if (type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation dec) {
            yield new java.math.BigDecimal(new java.math.BigInteger(reader.getBinary().getBytes()),
                dec.getScale()).doubleValue();
          }
          byte[] bytes = reader.getBinary().getBytes();
          double v = bytes.length == 0 ? Double.NaN : CsvTripRows.parseNumber(bytes, 0, bytes.length);
          if (v != v && bytes.length > 0) {
            throw new IllegalStateException("column '" + type.getName() + "' holds a non-number: '"
                + new String(bytes, StandardCharsets.UTF_8) + "'");
          }
          yield v;
        }
        case INT96 -> throw new IllegalStateException("column '" + type.getName() + "' is a timestamp, not a number");
      };
    }

    /** Wall-clock seconds since the epoch: TLC files store naive local timestamps. */
    long seconds() {
      switch (type.getPrimitiveTypeName()) {
        case INT64:
          return Math.floorDiv(reader.getLong(), perSecond);
        case INT96: {
          // legacy Impala/Spark timestamps: 8 bytes nanos of day, 4 bytes Julian day, little-endian
          ByteBuffer b = reader.getBinary().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
          long nanos = b.getLong();
          int julianDay = b.getInt();
          return (julianDay - 2_440_588L) * 86_400L + nanos / 1_000_000_000L;
        }
        case BINARY: {
          byte[] bytes = reader.getBinary().getBytes();
          long t = CsvTripRows.parseDateTime(bytes, 0, bytes.length);
          if (t == Long.MAX_VALUE) {
            throw new IllegalStateException("column '" + type.getName() + "' holds a non-date-time: '"
                + new String(bytes, StandardCharsets.UTF_8) + "'");
          }
          return t;
        }
        default:
          throw new IllegalStateException("column '" + type.getName() + "' is " + type.getPrimitiveTypeName()
              + ", not a timestamp");
      }
    }
  }
}
