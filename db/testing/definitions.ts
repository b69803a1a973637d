import type { TransactionSql } from "postgres";

/**
 * What a migrated database holds beyond tables and indexes, printed by Postgres itself, so it
 * can be compared with db/sql/*.sql: functions, row-level security and policies, triggers, and
 * the app roles with their grants. The table owner (who ran the migrations) reads as
 * CURRENT_USER, as the migrations wrote it. Daily span partitions are left out: they are made
 * by ensure_span_partitions with its grants.
 */

/** Each function of the public schema, keyed by its header line (name and arguments). */
export async function liveFunctions(tx: TransactionSql): Promise<Map<string, string>> {
  const rows = await tx<{ def: string }[]>`
    SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.prokind = 'f'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`;
  return new Map(rows.map((r) => [r.def.split("\n")[0]!.trim(), r.def]));
}

export async function livePolicies(tx: TransactionSql): Promise<string[]> {
  const rows = await tx<{ line: string }[]>`
    SELECT format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY;', c.relname) AS line
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relrowsecurity AND NOT c.relispartition
    UNION ALL
    SELECT format('ALTER TABLE %s FORCE ROW LEVEL SECURITY;', c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relforcerowsecurity AND NOT c.relispartition
    UNION ALL
    SELECT format('CREATE POLICY %s ON %s%s%s TO %s%s%s;', p.policyname, p.tablename,
                  CASE WHEN p.permissive = 'RESTRICTIVE' THEN ' AS RESTRICTIVE' ELSE '' END,
                  CASE WHEN p.cmd = 'ALL' THEN '' ELSE ' FOR ' || p.cmd END,
                  (SELECT string_agg(CASE WHEN r = current_user THEN 'CURRENT_USER' ELSE r::text END, ', ' ORDER BY r) FROM unnest(p.roles) r),
                  ' USING (' || p.qual || ')', ' WITH CHECK (' || p.with_check || ')')
    FROM pg_policies p WHERE p.schemaname = 'public'`;
  return rows.map((r) => r.line).sort();
}

export async function liveTriggers(tx: TransactionSql): Promise<string[]> {
  const rows = await tx<{ line: string }[]>`
    SELECT replace(pg_get_triggerdef(t.oid), 'public.', '') || ';' AS line
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgparentid = 0`;
  return rows.map((r) => r.line).sort();
}

/** The te_* roles' attributes and memberships, and every grant to them (and EXECUTE to PUBLIC). */
export async function liveGrants(tx: TransactionSql): Promise<string[]> {
  const rows = await tx<{ line: string }[]>`
    WITH app_role AS (SELECT oid, rolname FROM pg_roles WHERE rolname LIKE 'te\_%'),
    privilege_order(p, o) AS (VALUES ('USAGE', 0), ('SELECT', 1), ('INSERT', 2), ('UPDATE', 3), ('DELETE', 4), ('TRUNCATE', 5),
                                     ('REFERENCES', 6), ('TRIGGER', 7), ('EXECUTE', 9)),
    rel AS (
      SELECT c.oid, c.relname, c.relkind, c.relacl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S') AND NOT c.relispartition
    ),
    acl(kind, object, grantee, privilege) AS (
      SELECT 'SCHEMA', n.nspname::text, a.grantee, a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'public'
      UNION ALL
      SELECT CASE WHEN r.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.relname, a.grantee, a.privilege_type
      FROM rel r, aclexplode(r.relacl) a
      UNION ALL
      SELECT 'FUNCTION', p.oid::regprocedure::text, a.grantee, a.privilege_type
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
      WHERE n.nspname = 'public' AND p.prokind = 'f'
    ),
    column_acl AS (
      SELECT r.relname, a.grantee, a.privilege_type, string_agg(att.attname, ', ' ORDER BY att.attnum) AS cols
      FROM rel r JOIN pg_attribute att ON att.attrelid = r.oid, aclexplode(att.attacl) a
      GROUP BY 1, 2, 3
    ),
    grantee(oid, name) AS (SELECT oid, rolname FROM app_role UNION ALL SELECT 0, 'PUBLIC')
    SELECT format('CREATE ROLE %s %sSUPERUSER %sCREATEDB %sCREATEROLE %sBYPASSRLS;', r.rolname,
                  CASE WHEN r.rolsuper THEN '' ELSE 'NO' END, CASE WHEN r.rolcreatedb THEN '' ELSE 'NO' END,
                  CASE WHEN r.rolcreaterole THEN '' ELSE 'NO' END, CASE WHEN r.rolbypassrls THEN '' ELSE 'NO' END) AS line
    FROM pg_roles r JOIN app_role USING (oid)
    UNION ALL
    SELECT format('GRANT %s TO %s;', g.rolname, CASE WHEN m.rolname = current_user THEN 'CURRENT_USER' ELSE m.rolname END)
    FROM pg_auth_members am JOIN app_role g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
    UNION ALL
    SELECT format('GRANT %s ON %s %s TO %s;', privileges, kind, object, string_agg(name, ', ' ORDER BY oid <> 0, name))
    FROM (
      SELECT a.kind, a.object, g.oid, g.name, string_agg(a.privilege, ', ' ORDER BY po.o) AS privileges
      FROM acl a JOIN grantee g ON g.oid = a.grantee JOIN privilege_order po ON po.p = a.privilege
      WHERE g.oid <> 0 OR a.kind = 'FUNCTION'
      GROUP BY a.kind, a.object, g.oid, g.name
    ) per_grantee
    GROUP BY kind, object, privileges
    UNION ALL
    SELECT format('GRANT %s (%s) ON TABLE %s TO %s;', c.privilege_type, c.cols, c.relname, g.rolname)
    FROM column_acl c JOIN app_role g ON g.oid = c.grantee
    UNION ALL
    SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT %s ON %s TO %s;', n.nspname,
                  string_agg(a.privilege_type, ', ' ORDER BY po.o),
                  CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' ELSE d.defaclobjtype::text END,
                  g.rolname)
    FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
    JOIN app_role g ON g.oid = a.grantee JOIN privilege_order po ON po.p = a.privilege_type
    GROUP BY n.nspname, d.defaclobjtype, g.rolname`;
  return rows.map((r) => r.line).sort();
}

/**
 * SECURITY DEFINER functions run as the owner, so row-level security does not apply inside
 * them: each one that reads a table the reader's policies guard with app_tenant_visible must
 * call app_tenant_visible itself. "Reads" is read from the body: the table named after FROM or
 * JOIN (dynamic SQL included, as long as the name is written out). Returns the names of those
 * that read such a table without the rule, except those in `exempt`.
 */
export async function definersSkippingTenantRule(tx: TransactionSql, exempt: readonly string[]): Promise<string[]> {
  const guarded = await tx<{ tablename: string }[]>`
    SELECT DISTINCT tablename FROM pg_policies
    WHERE schemaname = 'public' AND 'te_reader' = ANY (roles) AND qual LIKE '%app_tenant_visible(%'`;
  const definers = await tx<{ name: string; body: string }[]>`
    SELECT p.proname AS name, p.prosrc AS body FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.prosecdef`;
  const reads = new RegExp(`\\b(from|join)\\s+(public\\.)?(${guarded.map((g) => g.tablename).join("|")})\\b`, "i");
  return definers
    .filter((f) => reads.test(f.body) && !/\bapp_tenant_visible\s*\(/.test(f.body) && !exempt.includes(f.name))
    .map((f) => f.name)
    .sort();
}
