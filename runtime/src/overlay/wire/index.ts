/** The overlay's wire format: protobuf envelopes in length-prefixed, versioned frames. */
export { DEFAULT_MAX_FRAME_BYTES, FRAME_FORMAT_VERSION, FRAME_HEADER_BYTES, FrameDecoder, decodeFrameBody, encodeFrame } from './frame.js';
