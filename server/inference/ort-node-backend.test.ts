import { runBackendContract } from '../../models/pipeline/backend.case.ts';
import { createNodeBackend } from './ort-node-backend.ts';

runBackendContract({ name: 'onnxruntime-node', createBackend: createNodeBackend });
