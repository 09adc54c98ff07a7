import { httpHandler } from 'switchyard/runtime';

/**
 * `GET /health`: what Route 53 calls in each region of a two-region deployment (README, "Two
 * regions"); answering 200 keeps the region in DNS. It answers from the function alone, so a
 * region is left out when its API or Lambda cannot serve, not when one table is slow.
 */
export const handler = httpHandler({}, async () => ({ status: 'ok', region: process.env.AWS_REGION }));
