// Placeholder so the stack synthesizes while this function is being built (issue #4).
export const handler = async (): Promise<never> => {
  throw new Error("not built yet");
};
