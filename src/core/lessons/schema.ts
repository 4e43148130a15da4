/**
 * The lesson file format (`.nwlesson`, JSON): a lesson is data, never code. See docs/lessons.md.
 *
 *   { "format": "netwright-lesson", "version": 1, "id", "title", "summary"?, "steps": [Step, …] }
 *
 * A step has text (with inline math between `$…$`), an optional state to load when the step opens (a template, or a
 * whole embedded network document), an optional question whose typed answer checks may read, an optional check (a
 * declarative condition on the document, the learner's answer, the selection, explain mode and the trainer), a hint,
 * and a "show me" list of declarative actions that performs the step.
 *
 * Checks name quantities computed by the core on the document as the learner sees it (with the trained weights):
 * a unit's z or a for the first training example, a weight, the example's loss, a parameter's gradient, its value
 * after one plain SGD step (explain mode's numbers), the trainer's step count, loss and accuracy.
 */
import { z } from 'zod';

export const LESSON_FORMAT = 'netwright-lesson';
export const LESSON_VERSION = 1;

/** Lessons longer than this are refused (a file must not make the app allocate without bound). */
export const MAX_LESSON_STEPS = 200;
const MAX_TEXT = 20_000;

const id = z.string().min(1, { error: 'expected a non-empty id' }).max(200, { error: 'expected an id of at most 200 characters' });
const text = z.string().max(MAX_TEXT, { error: `expected at most ${MAX_TEXT} characters` });
const unit = z.number().int({ error: 'expected a unit number (0, 1, …)' }).min(0, { error: 'expected a unit number (0, 1, …)' }).optional();
const index = z.number().int({ error: 'expected an index (0, 1, …)' }).min(0, { error: 'expected an index (0, 1, …)' }).optional();

/** What a parameter reference points at: one weight of an edge (index into its block) or one bias of a node. */
export const paramRefSchema = z.union([
  z.strictObject({ edge: id, index }),
  z.strictObject({ bias: id, index }),
]);
export type ParamRef = z.infer<typeof paramRefSchema>;

/**
 * The trainer's latest numbers, and two that count since the step opened: how many times the trainer reported a
 * divergence (`divergences`), and the learning rate of the latest one (`divergedRate`).
 */
export const TRAINER_QUANTITIES = ['step', 'epoch', 'trainLoss', 'testLoss', 'accuracy', 'divergences', 'divergedRate'] as const;
export type TrainerQuantity = (typeof TRAINER_QUANTITIES)[number];

/** A number computed from the state the learner sees. Exactly one key. */
export const quantitySchema = z.union([
  /** a (after the activation) of a node's unit for the first training example */
  z.strictObject({ activation: id, unit }),
  /** z (before the activation) of a node's unit for the first training example */
  z.strictObject({ preactivation: id, unit }),
  /** the parameter's value in the document (with trained weights) */
  z.strictObject({ param: paramRefSchema }),
  /** the loss of the first training example (explain mode's loss) */
  z.strictObject({ loss: z.literal('example') }),
  /** the target of the first training example (its column) */
  z.strictObject({ target: z.string().min(1).max(200) }),
  /** dLoss/dparam for the first training example */
  z.strictObject({ gradient: paramRefSchema }),
  /** the parameter after one plain SGD step on the first training example at the document's learning rate */
  z.strictObject({ updated: paramRefSchema }),
  /** the number the learner typed in the step's question (no number: the check fails) */
  z.strictObject({ answer: z.literal(true) }),
  z.strictObject({ trainer: z.enum(TRAINER_QUANTITIES) }),
  z.strictObject({ setting: z.enum(['learningRate', 'batchSize']) }),
  /** how many trainable numbers the network has */
  z.strictObject({ parameters: z.literal('count') }),
  /** the network's weights quantized (int8: a scale per unit), measured on the test split (quantize.ts) */
  z.strictObject({ quantized: z.enum(['int8', 'fp16']), measure: z.enum(['bytes', 'accuracy', 'loss']) }),
  /** the reliability diagram's numbers on the test split (calibration.ts): the expected calibration error, or the highest confidence among wrong predictions */
  z.strictObject({ calibration: z.enum(['ece', 'worstConfidence']) }),
]);
export type Quantity = z.infer<typeof quantitySchema>;

export const COMPARE_OPS = ['gt', 'ge', 'lt', 'le', 'near'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export const TRAINER_STATES = ['running', 'paused', 'diverged'] as const;

export interface CompareCondition { compare: Quantity; op: CompareOp; value: number | Quantity; tolerance?: number }
export interface ChangedCondition { changed: { weights: number; biases: number } }
export interface SelectedCondition { selected: { edge: string } | { largest: 'gradient' } }
export interface ExplainCondition { explain: 'open' }
export interface TrainerCondition { trainerState: (typeof TRAINER_STATES)[number] }
/** The calibration view was opened since the step opened, or the learner selected in it the example the network gets most confidently wrong. */
export interface CalibrationCondition { calibrationView: 'opened' | 'mostConfidentlyWrong' }
export interface RunsCondition { runs: { atLeast: number; distinctParameters?: boolean } }
/** Over the last `epochs` epochs the trainer completed, the training loss fell (by more than the fraction `by`). */
export interface FallingCondition { falling: { epochs: number; by?: number } }
/** Over the last `epochs` epochs the trainer completed, the training loss improved by no more than the fraction `within`. */
export interface PlateauCondition { plateau: { epochs: number; within?: number } }
export type Condition =
  | CompareCondition
  | ChangedCondition
  | SelectedCondition
  | ExplainCondition
  | TrainerCondition
  | RunsCondition
  | CalibrationCondition
  | FallingCondition
  | PlateauCondition
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const count = z.number().int({ error: 'expected a whole number' }).min(0, { error: 'expected a whole number' });
/** A window of completed epochs a loss trend is judged over (1 to 10,000). */
const epochWindow = z.number().int({ error: 'expected a whole number of epochs' }).min(1, { error: 'expected at least 1 epoch' }).max(10_000, { error: 'expected at most 10000 epochs' });
const fraction = z.number().min(0, { error: 'expected a fraction from 0 to 1' }).max(1, { error: 'expected a fraction from 0 to 1' });

export const conditionSchema: z.ZodType<Condition> = z.lazy(() => z.union([
  z.strictObject({
    compare: quantitySchema,
    op: z.enum(COMPARE_OPS),
    value: z.union([z.number(), quantitySchema]),
    tolerance: z.number().min(0, { error: 'expected a tolerance of at least 0' }).optional(),
  }),
  /** exactly this many weights and biases differ from the state the step started with */
  z.strictObject({ changed: z.strictObject({ weights: count, biases: count }) }),
  /** the learner selected this connection, or the one whose gradient is largest in size (ties: any of them) */
  z.strictObject({ selected: z.union([z.strictObject({ edge: id }), z.strictObject({ largest: z.literal('gradient') })]) }),
  z.strictObject({ explain: z.literal('open') }),
  z.strictObject({ trainerState: z.enum(TRAINER_STATES) }),
  /** at least this many runs are kept for comparison (of networks of different sizes, if asked) */
  z.strictObject({ runs: z.strictObject({ atLeast: count, distinctParameters: z.boolean().optional() }) }),
  /** the training loss at the last completed epoch is below the one `epochs` epochs earlier, by more than `by` of it (default 0) */
  z.strictObject({ falling: z.strictObject({ epochs: epochWindow, by: fraction.optional() }) }),
  /** over the last `epochs` completed epochs the training loss never got more than `within` of it (default 0.01) below where the window started */
  z.strictObject({ plateau: z.strictObject({ epochs: epochWindow, within: fraction.optional() }) }),
  z.strictObject({ calibrationView: z.enum(['opened', 'mostConfidentlyWrong']) }),
  z.strictObject({ all: z.array(conditionSchema).min(1, { error: 'expected at least one condition' }) }),
  z.strictObject({ any: z.array(conditionSchema).min(1, { error: 'expected at least one condition' }) }),
  z.strictObject({ not: conditionSchema }),
]));

/** A "show me" action. Exactly one key. */
export const actionSchema = z.union([
  z.strictObject({ setParam: z.strictObject({ param: paramRefSchema, value: z.union([z.number(), quantitySchema]) }) }),
  z.strictObject({ setLearningRate: z.number().gt(0, { error: 'expected a learning rate above 0' }) }),
  z.strictObject({ answer: z.union([z.number(), quantitySchema]) }),
  z.strictObject({ select: z.union([z.strictObject({ edge: id }), z.strictObject({ largest: z.literal('gradient') })]) }),
  z.strictObject({ explain: z.enum(['open', 'close']) }),
  z.strictObject({ trainer: z.enum(['step', 'play', 'pause', 'reset']) }),
]);
export type LessonAction = z.infer<typeof actionSchema>;

export const loadSchema = z.union([
  z.strictObject({ template: id }),
  /** a whole network document, as in a .netwright file */
  z.strictObject({ document: z.record(z.string(), z.unknown()) }),
]);
export type LessonLoad = z.infer<typeof loadSchema>;

export const stepSchema = z.strictObject({
  title: z.string().min(1, { error: 'expected a title' }).max(200),
  text,
  load: loadSchema.optional(),
  question: z.strictObject({ label: z.string().min(1).max(200) }).optional(),
  /** nodes whose values are hidden on the canvas until the check passes ("predict, then reveal") */
  hideValues: z.array(id).max(100).optional(),
  check: conditionSchema.optional(),
  hint: text.optional(),
  showMe: z.array(actionSchema).max(50).optional(),
});
export type LessonStep = z.infer<typeof stepSchema>;

export const lessonSchema = z.strictObject({
  format: z.literal(LESSON_FORMAT),
  version: z.literal(LESSON_VERSION),
  id,
  title: z.string().min(1, { error: 'expected a title' }).max(200),
  summary: text.optional(),
  steps: z.array(stepSchema).min(1, { error: 'expected at least one step' }).max(MAX_LESSON_STEPS, { error: `expected at most ${MAX_LESSON_STEPS} steps` }),
});
export type Lesson = z.infer<typeof lessonSchema>;
