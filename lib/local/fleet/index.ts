export * from './traffic-model';
export * from './scenarios';
export * from './prng';
export * from './simulated-fleet';
export * from './simulated-router';
export * from './simulated-metrics';
export * from './simulated-alarms';
export * from './simulated-smoke';
