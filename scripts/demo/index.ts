export { DEMO_TENANTS, seedTenants, type DemoTenant } from "./tenants";
export { generateDemoTraces, type SeedOptions, type SeedResult } from "./generate";
