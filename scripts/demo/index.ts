export { DEMO_TENANTS, seedTenants, type DemoTenant } from "./tenants";
export { generateDemoTraces, type SeedOptions, type SeedResult } from "./generate";
export { demoTraceLogs, DEMO_SEVERITY, type DemoLogRecord } from "./trace-logs";
