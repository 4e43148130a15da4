export { MAX_GRID_RESOLUTION, compileNetwork, writeWeights } from './network';
export { MAX_PARAMETERS, MAX_VALUES_PER_EXAMPLE } from './compile';
export type { CompileResult, Explanation, ForwardOptions, GridOptions, Network, NodeExplanation, NodeTrace } from './network';
export type { BiasBlock, CompileOptions, CompileProblem, CompileProblemCode, ParamBlock, ParamLayout } from './compile';
