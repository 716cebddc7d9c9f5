import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regionAllows, regionArea } from './regions.ts';

void test('cloud regions are placed in LiteLLM areas, in any case', () => {
  const eu = [
    'eu',
    'westeurope',
    'NorthEurope',
    'swedencentral',
    'uksouth',
    'francecentral',
    'germanywestcentral',
    'switzerlandnorth',
    'eu-west-1',
    'eu-central-1',
    'europe-west4',
    'eu-de',
  ];
  const us = [
    'us',
    'eastus',
    'eastus2',
    'westus3',
    'southcentralus',
    'us-east-1',
    'us-gov-west-1',
    'us-central1',
    'us-south',
  ];
  for (const region of eu) assert.equal(regionArea(region), 'eu', region);
  for (const region of us) assert.equal(regionArea(region), 'us', region);
  for (const region of ['australiaeast', 'japaneast', 'ap-northeast-1', 'asia-east1', 'mars'])
    assert.equal(regionArea(region), undefined, region);
});

void test('a request admits its area or the exact region; no region admits nothing', () => {
  assert.equal(regionAllows('westeurope', 'eu'), true);
  assert.equal(regionAllows('eastus', 'eu'), false);
  assert.equal(regionAllows('eu-west-1', 'eu-west-1'), true);
  assert.equal(regionAllows('eu-west-2', 'eu-west-1'), false);
  assert.equal(regionAllows('japaneast', 'japaneast'), true);
  assert.equal(regionAllows(undefined, 'eu'), false);
});
