/** Hotspot forecasts on a grid and their scores (see docs/forecasting.md). */
export * from './selfExciting';
export * from './methods';
export * from './scoring';
export * from './backtest';
