import * as assert from 'assert';
import { buildEventFilter, emitModuleProblem, eventMatches, moveTypeProblem, normalizeSuiAddress, validateSuiFilter } from '../../src/core/sui/suiFilter';
import { validateDefinition } from '../../src/core/stream/streamDefinition';

const PKG = '0x1eabed72c53feb3805120a081dc15963c204dc8d091542592abaf7a35689b2fb';
const ALICE = '0x' + 'a1'.repeat(32);

describe('suiFilter', () => {
  it('no dimension is no filter (every event)', () => {
    assert.strictEqual(buildEventFilter({}), undefined);
  });

  it('values of one dimension are ORed terms; dimensions are ANDed literals; "!" negates', () => {
    const f = buildEventFilter({ eventType: [`${PKG}::pool::SwapEvent`, `${PKG}::pool::AddLiquidityEvent`], sender: `!${ALICE}` });
    assert.deepStrictEqual(f, {
      terms: [
        { literals: [{ negated: false, predicate: { oneofKind: 'eventType', eventType: { eventType: `${PKG}::pool::SwapEvent` } } }, { negated: true, predicate: { oneofKind: 'sender', sender: { address: ALICE } } }] },
        { literals: [{ negated: false, predicate: { oneofKind: 'eventType', eventType: { eventType: `${PKG}::pool::AddLiquidityEvent` } } }, { negated: true, predicate: { oneofKind: 'sender', sender: { address: ALICE } } }] },
      ],
    });
    const m = buildEventFilter({ emitModule: '0x2::kiosk' });
    assert.deepStrictEqual(m?.terms[0]?.literals[0]?.predicate, { oneofKind: 'emitModule', emitModule: { module: '0x2::kiosk' } });
  });

  it('checks Move types, modules and addresses with words', () => {
    assert.strictEqual(moveTypeProblem('0x2::coin::CoinMetadata<0x2::sui::SUI>'), undefined);
    assert.strictEqual(moveTypeProblem('0x2'), undefined);
    assert.strictEqual(moveTypeProblem(`${PKG}::pool`), undefined);
    assert.match(moveTypeProblem('coin::Transfer')!, /does not start with an address/);
    assert.match(moveTypeProblem('0x2::coin::Coin<0x2::sui::SUI')!, /not closed/);
    assert.match(moveTypeProblem('0x2::coin<T>')!, /full address::module::Name/);
    assert.match(moveTypeProblem('0x2::a::B::C')!, /more than/);
    assert.match(moveTypeProblem('0x2::9bad::X')!, /not a Move identifier/);
    assert.strictEqual(emitModuleProblem('0x2::kiosk'), undefined);
    assert.match(emitModuleProblem('0x2::kiosk::ItemListed')!, /more than package::module/);
    assert.deepStrictEqual(validateSuiFilter({ sender: '0xzz' }), ['"sender" "0xzz" is not a Sui address (0x + up to 64 hex digits)']);
    assert.match(validateSuiFilter({ eventType: ['', '0x2::coin::X'] })[0]!, /non-empty strings/);
    assert.match(validateSuiFilter({ eventType: Array.from({ length: 9 }, (_, i) => `0x${i + 1}`), sender: Array.from({ length: 9 }, (_, i) => `0x${i + 1}`) })[0]!, /81 terms/);
    assert.throws(() => buildEventFilter({ sender: 'alice' }), /invalid Sui filter/);
  });

  it('stream definitions: sui fields are checked, and refused on other providers', () => {
    assert.deepStrictEqual(validateDefinition({ id: 's', provider: 'sui', network: 'testnet', eventType: '0x2::coin::Transfer' }), []);
    assert.deepStrictEqual(validateDefinition({ id: 's', provider: 'sui', baseUrl: 'http://127.0.0.1:9000' }), []);
    assert.match(validateDefinition({ id: 's', provider: 'sui', network: 'moon' }).join(), /"network" must be/);
    assert.match(validateDefinition({ id: 's', provider: 'sui', baseUrl: 'wss://x.y/z' }).join(), /http\(s\):\/\/host:port/);
    assert.match(validateDefinition({ id: 's', provider: 'warp', streamId: 'x', sender: ALICE }).join(), /for Sui node streams only/);
    assert.match(validateDefinition({ id: 's', provider: 'evm', baseUrl: 'ws://127.0.0.1:8545', moveCall: '0x2::coin', packageWrite: true }).join(), /"moveCall", "packageWrite" are for Sui node streams only/);
  });

  it('matching follows the node rules (tests and the local node use it)', () => {
    const ev = { packageId: PKG, module: 'pool', sender: ALICE, eventType: `${PKG}::pool::SwapEvent<0x2::sui::SUI>` };
    assert.ok(eventMatches(buildEventFilter({ eventType: `${PKG}::pool::SwapEvent` }), ev), 'a generic name matches any instantiation');
    assert.ok(eventMatches(buildEventFilter({ eventType: `${PKG}::pool::SwapEvent<0x0000000000000000000000000000000000000000000000000000000000000002::sui::SUI>` }), ev), 'long and short addresses in type arguments');
    assert.ok(!eventMatches(buildEventFilter({ eventType: `${PKG}::pool::SwapEvent<0x2::usdc::USDC>` }), ev));
    assert.ok(!eventMatches(buildEventFilter({ eventType: `${PKG}::pool::Swap` }), ev), 'prefixes match at :: boundaries only');
    assert.ok(eventMatches(buildEventFilter({ emitModule: PKG }), ev));
    assert.ok(!eventMatches(buildEventFilter({ emitModule: `${PKG}::router` }), ev));
    assert.ok(!eventMatches(buildEventFilter({ sender: `!${ALICE.toUpperCase().replace('0X', '0x')}` }), ev), 'a negated sender, any case');
    assert.strictEqual(normalizeSuiAddress('0x2'), '0x' + '0'.repeat(63) + '2');
  });
});
