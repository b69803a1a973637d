import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  // Every db/schema*.ts file: a capability adds its tables in a file of its own.
  schema: ["./db/schema.ts", "./db/schema-*.ts"],
  out: "./db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/trace_explorer" },
});
