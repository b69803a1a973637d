/** What a retention server action answers: a confirmation or a message saying what was wrong. */
export interface ActionState {
  message?: string;
  error?: string;
}
