'use strict';
// Starts s3rver (npm, pinned by build/test.sh) for the s3:// host tests, through its programmatic
// API: HTTPS on loopback with the run's certificate, one bucket, a free port printed on stdout.
//
//   node server.js --module <node_modules/s3rver> --directory <dir> --cert <pem> --key <pem> --bucket <name>
//                  [--port <n>] [--aws [--public]]
//
// Without --aws this is s3rver exactly as shipped. With it, one Koa middleware in front of s3rver's
// router adds what AWS S3 does and s3rver 3.7.1 does not:
//   - SigV4 signatures are checked (Authorization header and presigned query, incl. X-Amz-Expires):
//     s3rver 3.7.1 checks the access key id but not the signature ("unimplemented" in its source),
//     so without this a wrong secret would pass. 403 SignatureDoesNotMatch, as AWS answers.
//   - PUT (and CompleteMultipartUpload) honour If-None-Match: * and If-Match: <etag>, answering
//     412 PreconditionFailed as AWS does; requests to one key are serialized so check-and-store is
//     atomic and a read never meets a write half done, as on AWS.
//   - requests with no signature get 403 AccessDenied, as on a bucket without a public-read policy
//     (s3rver serves anonymous reads and writes); with --public, anonymous GET and HEAD are served.
//   - a PUT (object or part) takes effect only once its whole body has arrived: s3rver 3.7.1 streams
//     the body into place, so a request that breaks off leaves a truncated object whose metadata still
//     claims the full Content-Length. AWS stores nothing then (400 IncompleteBody, when anyone hears it).
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const fs = require('fs');
const S3rver = require(value('--module'));
const S3Error = require(require('path').join(value('--module'), 'lib', 'models', 'error'));

const bucket = value('--bucket');
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(value('--port') || 0),
  directory: value('--directory'),
  key: fs.readFileSync(value('--key')),
  cert: fs.readFileSync(value('--cert')),
  silent: false,
  vhostBuckets: false,
  configureBuckets: [{ name: bucket }],
});

const locks = new Map();
async function serialized(key, action) {
  const previous = locks.get(key) || Promise.resolve();
  let release;
  const current = new Promise((resolve) => { release = resolve; });
  const chained = previous.then(() => current);
  locks.set(key, chained);
  await previous;
  try {
    return await action();
  } finally {
    release();
    if (locks.get(key) === chained) locks.delete(key);
  }
}

function precondition(condition) {
  return new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
}

const crypto = require('crypto');
const secrets = { S3RVER: 'S3RVER' };
const hmac = (key, text) => crypto.createHmac('sha256', key).update(text, 'utf8').digest();
const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
const rfc3986 = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

// SigV4 as AWS checks it (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html);
// the payload hash is taken as declared (AWS also compares it with the body).
function verifySigV4(ctx) {
  const presigned = 'X-Amz-Algorithm' in ctx.query;
  let credential, signedHeaders, signature, amzDate, payload;
  if (presigned) {
    ({ 'X-Amz-Credential': credential, 'X-Amz-SignedHeaders': signedHeaders, 'X-Amz-Signature': signature, 'X-Amz-Date': amzDate } = ctx.query);
    payload = 'UNSIGNED-PAYLOAD';
    const expires = Number(ctx.query['X-Amz-Expires']);
    const issued = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!(expires <= 604800) || Date.now() > issued + expires * 1000) {
      throw new S3Error('AccessDenied', 'Request has expired');
    }
  } else {
    const auth = ctx.get('authorization');
    const parts = Object.fromEntries(auth.replace(/^AWS4-HMAC-SHA256\s+/, '').split(/,\s*/).map((p) => p.split('=')));
    ({ Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = parts);
    amzDate = ctx.get('x-amz-date');
    payload = ctx.get('x-amz-content-sha256');
  }
  const [accessKey, date, region, service] = credential.split('/');
  const secret = secrets[accessKey];
  if (secret === undefined) {
    throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const rawPath = ctx.req.url.split('?')[0];
  const rawQuery = ctx.req.url.includes('?') ? ctx.req.url.slice(ctx.req.url.indexOf('?') + 1) : '';
  const query = rawQuery.split('&').filter((p) => p.length > 0)
    .map((p) => { const [k, ...v] = p.split('='); return [decodeURIComponent(k), decodeURIComponent(v.join('=').replace(/\+/g, '%20'))]; })
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const headers = signedHeaders.split(';').map((h) => `${h}:${String(ctx.req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [ctx.method, rawPath, query, headers, signedHeaders, payload].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
  if (crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('hex') !== signature) {
    throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
}

// Reads the request's whole body before s3rver sees it, and hands s3rver a stream of those bytes.
// False when the body broke off or is shorter than its Content-Length.
async function wholeBody(ctx) {
  const declared = ctx.get('content-length');
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of ctx.req) {
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch {
    return false;
  }
  if (ctx.req.aborted || (declared !== '' && size !== Number(declared))) {
    return false;
  }
  ctx.req = require('stream').Readable.from([Buffer.concat(chunks)]);
  return true;
}

async function aws(ctx, next) {
  const signed = 'authorization' in ctx.headers || 'X-Amz-Algorithm' in ctx.query;
  if (signed) {
    verifySigV4(ctx);
  } else if (!(flag('--public') && ['GET', 'HEAD'].includes(ctx.method))) {
    throw new S3Error('AccessDenied', 'Access Denied');
  }
  const [, bucketName, ...rest] = ctx.path.split('/');
  const key = rest.map(decodeURIComponent).join('/');
  if (ctx.method === 'PUT' && key && !await wholeBody(ctx)) {
    throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
  }
  const noneMatch = ctx.get('if-none-match');
  const match = ctx.get('if-match');
  const write = (ctx.method === 'PUT' && !('uploadId' in ctx.query)) || (ctx.method === 'POST' && 'uploadId' in ctx.query);
  if (!key || !(write || ctx.method === 'GET' || ctx.method === 'HEAD')) {
    return next();
  }
  // One request per key at a time: s3rver writes an object in place (content, then metadata), so a read
  // that meets a write would see half of it; on AWS a PUT is atomic. (A GET's lock ends when its body
  // starts streaming, so only reads that start during a write wait.)
  return serialized(`${bucketName}/${key}`, async () => {
    const store = ctx.app.store;
    if (write && noneMatch === '*' && await store.existsObject(bucketName, key)) {
      throw precondition('If-None-Match');
    }
    if (write && match) {
      if (!await store.existsObject(bucketName, key)) {
        throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
      }
      const { etag } = await store.getMetadata(bucketName, key);
      if (etag.replace(/"/g, '') !== match.replace(/"/g, '')) {
        throw precondition('If-Match');
      }
    }
    await next();
  });
}

if (flag('--aws')) {
  // After s3rver's logger and error rendering (index 0), before its router.
  server.middleware.splice(1, 0, aws);
}

server.run().then(({ port }) => {
  console.log(`esp-release-s3rver listening on port ${port}`);
}, (err) => {
  console.error(err);
  process.exit(1);
});
