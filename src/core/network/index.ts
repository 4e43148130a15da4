export { compileNetwork, writeWeights } from './network';
export type { CompileResult, ForwardOptions, GridOptions, Network, NodeTrace } from './network';
export type { BiasBlock, CompileOptions, CompileProblem, CompileProblemCode, ParamBlock, ParamLayout } from './compile';
