/**
 * How every table reads NDJSON: the Hive JSON SerDe (`org.apache.hive.hcatalog.data.JsonSerDe`), not OpenX.
 * AWS documents that the OpenX SerDe can return non-deterministic results (more or fewer rows than the data
 * holds, spurious nulls); a table that BI tools and loaders trust as it is cannot have that. The Hive SerDe has
 * no key mappings: it matches JSON keys case-insensitively, so a column is the lowercased JSON key
 * (`updatedAt` reads as `updatedat`), and it fails a query on a malformed line rather than skipping it.
 */
const SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';
const TEXT_INPUT = 'org.apache.hadoop.mapred.TextInputFormat';
/** Reads the files a symlink file lists (the current state's `_symlink/symlink.txt`), not the folder. */
const SYMLINK_INPUT = 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat';
const OUTPUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

export type InputKind = 'folder' | 'symlink';

export const HIVE_JSON = {
  serde: SERDE,
  inputFormat: (kind: InputKind) => (kind === 'symlink' ? SYMLINK_INPUT : TEXT_INPUT),
  outputFormat: OUTPUT,
  /** A Glue API StorageDescriptor (PascalCase, as Step Functions' SDK integration sends it) without Location. */
  storage: (compressed: boolean) => ({
    InputFormat: TEXT_INPUT,
    OutputFormat: OUTPUT,
    Compressed: compressed,
    SerdeInfo: { SerializationLibrary: SERDE },
  }),
};

/** The Glue column name for a JSON key under the Hive SerDe. */
export function columnNameOf(jsonKey: string): string {
  return jsonKey.toLowerCase();
}

/**
 * How the current-state tables read the Parquet copy: the Parquet SerDe over the files the
 * `_symlink_parquet/symlink.txt` file lists (SymlinkTextInputFormat with ParquetHiveSerDe, as Delta Lake's
 * manifest tables do), so the switch to a new version stays one PUT. Parquet columns are matched by name.
 */
export const PARQUET = {
  serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  inputFormat: SYMLINK_INPUT,
  outputFormat: OUTPUT,
};
