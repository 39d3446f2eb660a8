/** The agents' workbench (server.tsx): its factory and the types callers need. */
export { createWorkbench, problemOf, safeReturn, type Workbench, type WorkbenchDeps, type WorkbenchSettings, type Problem } from './server.tsx';
export { AGENT_ROLES, routeTable, allows, type Access, type AgentRole, type SignedInAgent } from './access.ts';
