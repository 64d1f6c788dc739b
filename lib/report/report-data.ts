/**
 * Report data: turns a recorded ScenarioResult into what the reports draw — time buckets, fault
 * windows, sentinel event markers, role lanes and a summary row. Each concern lives in its own
 * file under ./data/; this module re-exports them so every renderer imports from one place.
 *
 * Pure functions only (no I/O, no clock), so they are unit-tested on their own and every
 * renderer (HTML, Markdown, JUnit, JSON) reads the same numbers.
 *
 * Times here are milliseconds relative to the scenario's `history.t0` unless a name says otherwise.
 *
 * Inputs may come from JSON written by an older or crashed run, so every reader is defensive:
 * a missing check, a check that threw, or a missing part of the history yields "—" and a note,
 * never an exception.
 */
export { MISSING, VERDICT_COLORS, type Verdict } from './data/common.ts';
export * from './data/buckets.ts';
export * from './data/fault-windows.ts';
export * from './data/markers.ts';
export * from './data/role-lanes.ts';
export * from './data/cells.ts';
export * from './data/lost-writes.ts';
export * from './data/views.ts';
