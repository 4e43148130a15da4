export { compileNetwork, writeWeights } from './network';
export type { CompileResult, Explanation, ForwardOptions, GridOptions, Network, NodeExplanation, NodeTrace } from './network';
export type { BiasBlock, CompileOptions, CompileProblem, CompileProblemCode, ParamBlock, ParamLayout } from './compile';
