import { defineConfig } from "prisma/config";

// env("DATABASE_URL") would throw when it is unset (embedded Postgres); generate does not need a URL.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/tollgate" },
});
