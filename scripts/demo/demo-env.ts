import { z } from 'zod';

/** What `npm start` reads from the environment. */
export const demoEnvSchema = z.object({
  DEMO_OUT: z
    .string()
    .default('out/demo')
    .meta({ description: 'the folder `npm start` writes (emptied first)' }),
});
