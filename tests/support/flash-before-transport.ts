// A phone's flash as the firmware before the SIP transport settings (commit 797d1ff, issue 14)
// wrote it: SimFlash(4096, 16) after one save of an account, SRTP Mandatory, a 90 s ring timeout and
// one peer key. Non-erased regions only, as [offset, base64]; made by openPhoneStore(flash).save(...)
// on that commit, not by the code under test.
import { fromBase64 } from '../../modules/util/bytes.js';
import { SimFlash } from './sim-flash.js';

const REGIONS: readonly (readonly [number, string])[] = [[0,"RFBTVAAB//8AAAABAAACOnsicHJpb3JpdGllcyI6IlBTSyxQS0UsREgsREhITUFDLFJTQS1SO0FFU19DTV8xMjhfSE1BQ19TSEExXzgwLEFFU19DTV8xMjhfSE1BQ19TSEExXzMyLEFFU19GOF8xMjhfSE1BQ19TSEExXzgwLEFFU18yNTZfQ01fSE1BQ19TSEExXzgwLEFFU18yNTZfQ01fSE1BQ19TSEExXzMyLEFFQURfQUVTXzEyOF9HQ00sQUVBRF9BRVNfMjU2X0dDTSIsInNydHBNb2RlIjoiTWFuZGF0b3J5IiwiYWNjb3VudCI6eyJzaXBVcmkiOiJzaXA6YWxpY2VAZXhhbXBsZS5jb20iLCJkaXNwbGF5TmFtZSI6IkFsaWNlIiwicmVnaXN0cmFyIjoiMTkyLjAuMi4xMDo1MDYwIiwib3V0Ym91bmRQcm94eSI6IjE5Mi4wLjIuMTA6NTA2MCIsInVzZXJuYW1lIjoiYWxpY2UiLCJwYXNzd29yZCI6InNlY3JldCJ9LCJwZWVyS2V5cyI6e30sImxlYXJuZWRQZWVycyI6e30sInBlZXJDZXJ0aWZpY2F0ZXMiOnt9LCJjcmVkZW50aWFscyI6eyJvd25LZXkiOiIiLCJvd25DaGFpbiI6W10sInRydXN0QW5jaG9ycyI6W119LCJkZWZlckhlYXZ5Q3J5cHRvIjoiYXQtcGljay11cCIsInJpbmdUaW1lb3V0UyI6OTAsIm1lZGlhVGltZW91dFMiOjMwffjPR7YAAAAA"],[32768,"RFBQUgAB//8AAAABAAAAVXsicGVlcnMiOnsic2lwOmJvYkBleGFtcGxlLmNvbSI6eyJwc2siOiIwMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmJjY2RkZWVmZiIsInVzZWQiOjF9fX3otkrmAAAAAA=="]];

export function flashBeforeTransport(): SimFlash {
  const flash = new SimFlash(4096, 16);
  for (const [offset, data] of REGIONS) flash.image.set(fromBase64(data), offset);
  return flash;
}
