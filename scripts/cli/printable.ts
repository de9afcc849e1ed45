/**
 * Control characters escaped (`\u001b` and the like), so text from an upstream message or a typed argument
 * cannot move the cursor, clear the terminal or forge a log line.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
