/**
 * The demo's local servers in one module. The extension imports it with `import()` when a demo starts, and the
 * package ships it as its own chunk (`dist/chunks/demo.js`, see LAZY_CHUNKS in esbuild.js), so activation never
 * reads or runs the simulators.
 */
export { DEMO_KEY, WarpServer } from './warpServer';
export { EvmNodeServer } from './evmNodeServer';
export { GOLDRUSH_DEMO, GOLDRUSH_DEMO_KEY, GoldRushServer } from './goldrushServer';
