/** Types of rabbitBroker.js (plain JS, shared by the stomp suite and the STOMP bench). */
export const RABBIT_WS_PORT: number;
export const RABBIT_STOMP_PORT: number;
export const RABBIT_API_PORT: number;
export const EPMD_PORT: number;
export function portOpen(port: number): Promise<boolean>;
export function listenerPid(port: number): number | undefined;
