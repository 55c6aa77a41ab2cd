import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';

const VERSION = 1;

/**
 * Encrypts private keys at rest with AES-256-GCM under a key derived (HKDF-SHA256) from a
 * platform secret. Stored form: version (1 byte) | IV (12) | tag (16) | ciphertext of PKCS#8 DER.
 */
export function createKeystore(secret: string): {
  seal(key: KeyObject): Buffer;
  open(sealed: Buffer): KeyObject;
} {
  const kek = Buffer.from(hkdfSync('sha256', secret, 'lienthong-pki', 'private-key-encryption-v1', 32));
  return {
    seal(key) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', kek, iv);
      const der = key.export({ format: 'der', type: 'pkcs8' });
      const body = Buffer.concat([cipher.update(der), cipher.final()]);
      der.fill(0);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      if (sealed[0] !== VERSION) throw new Error('unknown key envelope version');
      const decipher = createDecipheriv('aes-256-gcm', kek, sealed.subarray(1, 13));
      decipher.setAuthTag(sealed.subarray(13, 29));
      const der = Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
      const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      der.fill(0);
      return key;
    },
  };
}
