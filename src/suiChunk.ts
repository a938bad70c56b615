/**
 * The Sui gRPC chunk (`dist/chunks/sui.js`), loaded on first use: the full-node client and the local demo node
 * share @grpc/grpc-js and the protobuf runtime (about 500 KB), so they ship as one file instead of two copies.
 */
export * from './core/sui/suiGrpcClient';
export * from './simulator/suiNodeServer';
