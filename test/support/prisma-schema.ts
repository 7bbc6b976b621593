/**
 * Reads the models of a schema.prisma into the tables and columns Postgres would hold for them, in
 * Postgres's own type names (format_type), so a test can compare the schema with the migrated database.
 * Covers what Tollgate's schema uses: scalar fields, @map/@@map, @db.* types, @id/@@id, relation fields.
 */
export interface SchemaColumn {
  field: string;
  column: string;
  type: string;
  nullable: boolean;
}

export interface SchemaModel {
  model: string;
  columns: SchemaColumn[];
  primaryKey: string[];
}

const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]);

function postgresType(type: string, attrs: string): string {
  const db = /@db\.(\w+)(?:\(([^)]*)\))?/.exec(attrs);
  const name = db?.[1];
  const args = db?.[2]?.split(",").map((s) => s.trim()) ?? [];
  switch (type) {
    case "String":
      if (name === "Uuid") return "uuid";
      if (name === "VarChar") return `character varying(${args[0]})`;
      if (name === "Char") return `character(${args[0]})`;
      return "text";
    case "Int":
      return name === "SmallInt" ? "smallint" : "integer";
    case "BigInt":
      return "bigint";
    case "Float":
      return name === "Real" ? "real" : "double precision";
    case "Decimal":
      return name === "Decimal" ? `numeric(${args[0]},${args[1]})` : "numeric(65,30)";
    case "Boolean":
      return "boolean";
    case "DateTime": {
      const precision = args[0] ?? "3";
      return name === "Timestamptz"
        ? `timestamp(${precision}) with time zone`
        : name === "Date"
          ? "date"
          : `timestamp(${precision}) without time zone`;
    }
    case "Json":
      return name === "Json" ? "json" : "jsonb";
    case "Bytes":
      return "bytea";
    default:
      throw new Error(`unsupported Prisma type ${type}`);
  }
}

function unquoteList(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** table name → model, for every model in the schema */
export function parsePrismaSchema(text: string): Map<string, SchemaModel> {
  const models = new Map<string, SchemaModel>();
  const blocks = text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm);
  for (const [, model, body] of blocks) {
    if (!model || body === undefined) continue;
    let table = model;
    const columns: SchemaColumn[] = [];
    let primaryKey: string[] = [];
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      if (!line) continue;
      const blockAttr = /^@@(\w+)\((.*)\)$/.exec(line);
      if (blockAttr) {
        const [, attr, args = ""] = blockAttr;
        if (attr === "map") table = /"([^"]+)"/.exec(args)?.[1] ?? table;
        if (attr === "id") primaryKey = unquoteList(/\[([^\]]*)\]/.exec(args)?.[1] ?? "");
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!field) continue;
      const [, name = "", type = "", list, optional, attrs = ""] = field;
      if (!SCALARS.has(type)) continue; // relation fields are not columns
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? name;
      columns.push({ field: name, column, type: postgresType(type, attrs) + (list ? "[]" : ""), nullable: optional === "?" });
      if (/@id\b/.test(attrs)) primaryKey = [name];
    }
    const byField = new Map(columns.map((c) => [c.field, c.column]));
    models.set(table, { model, columns, primaryKey: primaryKey.map((f) => byField.get(f) ?? f) });
  }
  return models;
}
