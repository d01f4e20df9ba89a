"""PyTorch's LeNet-5 (the spec's task 4 model) for bench/lenet-graph.ts: batch 32, Adam, softmax
cross-entropy, float32, on `threads` intra-op threads (default 1). Prints "step_ms=<ms per training
step> infer_s=<s for 10,000 images in batches of 1,000>". Data are random (speed does not depend on the
values). Usage: python3 bench/lenet_torch.py [timed_steps] [warmup_steps] [threads]
"""
import sys
import time

import torch
from torch import nn

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 60
warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
torch.manual_seed(0)

model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(),
    nn.Linear(120, 84), nn.ReLU(),
    nn.Linear(84, 10),
)
for layer in model:
    if isinstance(layer, (nn.Conv2d, nn.Linear)):
        nn.init.kaiming_normal_(layer.weight)
        nn.init.zeros_(layer.bias)
optimizer = torch.optim.Adam(model.parameters())
loss_fn = nn.CrossEntropyLoss()
xs = [torch.rand(32, 1, 28, 28) for _ in range(16)]
ys = [torch.randint(0, 10, (32,)) for _ in range(16)]


def step(i):
    optimizer.zero_grad()
    loss = loss_fn(model(xs[i % 16]), ys[i % 16])
    loss.backward()
    optimizer.step()
    return loss.item()


for i in range(warmup):
    step(i)
t0 = time.perf_counter()
for i in range(steps):
    step(i)
step_ms = (time.perf_counter() - t0) * 1000 / steps

test = [torch.rand(1000, 1, 28, 28) for _ in range(10)]
with torch.no_grad():
    torch.softmax(model(test[0]), 1)
    t0 = time.perf_counter()
    for batch in test:
        torch.softmax(model(batch), 1)
    infer_s = time.perf_counter() - t0
print(f"step_ms={step_ms:.3f} infer_s={infer_s:.4f}")
