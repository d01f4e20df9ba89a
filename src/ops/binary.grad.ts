import { registerGradient } from '../graph/gradients.js';
import { addOp, divOp, mulOp, subOp } from './binary.js';
import { negOp } from './unary.js';
import { sumToShapeOp } from './sum-to-shape.js';
import { node, unbroadcast } from './build.js';

registerGradient(addOp, (dy, n, needs) => {
  const [a, b] = n.inputs;
  return [needs[0] ? unbroadcast(dy, a, sumToShapeOp) : null, needs[1] ? unbroadcast(dy, b, sumToShapeOp) : null];
});

registerGradient(subOp, (dy, n, needs) => {
  const [a, b] = n.inputs;
  return [
    needs[0] ? unbroadcast(dy, a, sumToShapeOp) : null,
    needs[1] ? unbroadcast(node(negOp, [dy]), b, sumToShapeOp) : null,
  ];
});

registerGradient(mulOp, (dy, n, needs) => {
  const [a, b] = n.inputs;
  return [
    needs[0] ? unbroadcast(node(mulOp, [dy, b]), a, sumToShapeOp) : null,
    needs[1] ? unbroadcast(node(mulOp, [dy, a]), b, sumToShapeOp) : null,
  ];
});

// y = a / b: da = dy / b, db = −dy · y / b (reuses the forward output instead of a / b²)
registerGradient(divOp, (dy, n, needs) => {
  const [a, b] = n.inputs;
  const y = n.output!;
  return [
    needs[0] ? unbroadcast(node(divOp, [dy, b]), a, sumToShapeOp) : null,
    needs[1] ? unbroadcast(node(negOp, [node(divOp, [node(mulOp, [dy, y]), b])]), b, sumToShapeOp) : null,
  ];
});
