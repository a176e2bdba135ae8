/** Environmental risk factors, the risk surface and ranked fixes. See docs/risk.md. */
export * from './riskModel';
export * from './fixPriorities';
export * from './minimumSupport';
export * from './types';
