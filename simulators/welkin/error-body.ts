/** One entry of Welkin's error array, as recorded from the live V8 API. */
export interface WelkinErrorEntry {
  errorCode: string;
  componentType: string;
  message: string;
  details: Record<string, unknown>;
  date: string;
}

export interface SimError {
  status: number;
  body: string;
}

/** Welkin answers every error with a JSON array of entries, never a bare object. */
export function simError(
  status: number,
  errorCode: string,
  message: string,
  details: Record<string, unknown> = {},
  componentType = 'API',
): SimError {
  const entry: WelkinErrorEntry = {
    errorCode,
    componentType,
    message,
    details,
    date: new Date().toISOString(),
  };
  return { status, body: JSON.stringify([entry]) };
}
