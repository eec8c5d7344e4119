import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.js';
import { blockedAddressRange, isIpLiteral } from './address-policy.js';
import { validateEndpointUrl } from './url-policy.js';

const strict = { allowHttp: false, allowPrivate: false };
const httpOk = { allowHttp: true, allowPrivate: false };

function refusal(url: string, policy = httpOk) {
  try {
    validateEndpointUrl(url, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('validation_failed');
    expect(appError.fieldErrors?.[0]?.field).toBe('/url');
    return appError.fieldErrors?.[0]?.message;
  }
  throw new Error(`${url} was accepted`);
}

describe('blockedAddressRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.10', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::7f00:1', 'ipv4Compatible'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2001:db8::1', 'reserved'],
    ['[::1]', 'loopback'],
    ['not-an-ip', 'invalid'],
  ])('refuses %s as %s', (address, range) => {
    expect(blockedAddressRange(address)).toBe(range);
  });

  it.each(['1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:1.1.1.1'])(
    'allows the public address %s',
    (address) => {
      expect(blockedAddressRange(address)).toBeUndefined();
    },
  );
});

describe('validateEndpointUrl', () => {
  // WHATWG URL rewrites odd IPv4 spellings to dotted quads before the check sees them.
  it.each([
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['https://10.0.0.8:8443/hook', 'private'],
  ])('refuses %s (%s)', (url, range) => {
    expect(refusal(url)).toBe(`must not point at a non-public address (${range})`);
  });

  it('shows what reaches the check for odd spellings', () => {
    expect(new URL('http://2130706433/').hostname).toBe('127.0.0.1');
    expect(new URL('http://0x7f.1/').hostname).toBe('127.0.0.1');
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
    expect(isIpLiteral('[::ffff:7f00:1]')).toBe(true);
    expect(isIpLiteral('hooks.example.com')).toBe(false);
  });

  it('requires https unless http is allowed', () => {
    expect(refusal('http://hooks.example.com/x', strict)).toBe('must use https:');
    expect(validateEndpointUrl('http://hooks.example.com/x', httpOk)).toBe(
      'http://hooks.example.com/x',
    );
    expect(refusal('ftp://hooks.example.com/x')).toBe('must use https: or http:');
    expect(refusal('not a url')).toBe('must be an absolute URL');
  });

  it('refuses credentials in the URL', () => {
    expect(refusal('https://user:pw@hooks.example.com/')).toBe(
      'must not contain a user name or password',
    );
  });

  it('accepts public hosts and normalises the URL', () => {
    expect(validateEndpointUrl('https://Hooks.Example.com:443/in?x=1', strict)).toBe(
      'https://hooks.example.com/in?x=1',
    );
    expect(validateEndpointUrl('https://1.1.1.1/hook', strict)).toBe('https://1.1.1.1/hook');
  });

  it('accepts private literal addresses when allowed', () => {
    const open = { allowHttp: true, allowPrivate: true };
    expect(validateEndpointUrl('http://127.0.0.1:9/x', open)).toBe('http://127.0.0.1:9/x');
  });
});
