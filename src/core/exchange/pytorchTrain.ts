/**
 * The PyTorch project's train.py, with __NAME__ and __SETUP__ filled in by pytorch.ts. Plain Python kept as one string
 * (String.raw: backslashes stay as written) so the core stays free of file access and the file reads as the user sees it.
 */
export const PYTORCH_TRAIN = String.raw`"""__NAME__: training as Netwright trains it, on one process or many.

    python3 train.py                              one process
    torchrun --nproc_per_node=N train.py          N processes (DistributedDataParallel: gloo on CPU, nccl on CUDA)
    python3 train.py --resume checkpoint.pt       go on from a checkpoint

The rank and the number of processes come from torchrun's environment variables (RANK, WORLD_SIZE, LOCAL_RANK,
MASTER_ADDR, MASTER_PORT), so the processes can also be started by hand with them set. The batch size is the global
batch: every process draws the same shuffled order and takes its share of each batch, and the gradients are summed
over the processes, so N processes take the same steps as one.

What matches Netwright's core: the data order (its random source, ported below), the loss (the sum over output units,
the mean over rows), L1/L2 on the weights only (grad += l1*sign(w) + 2*l2*w), global-norm clipping, SGD, momentum
(v = mu*v + g), Adam (with bias correction), the learning-rate schedule per epoch. What does not: dropout masks come
from torch's generator (seeded with the document's seed), not from Netwright's.
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from model import FUSED, PARAMETERS, Network, load_weights, loss_sum, weights_json

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP = {
__SETUP__
}

M32 = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & M32


def hash_seed(seed):
    h = (math.floor(seed) & M32) ^ 0x9E3779B9
    h = _imul(h ^ (h >> 16), 0x85EBCA6B)
    h = _imul(h ^ (h >> 13), 0xC2B2AE35)
    return (h ^ (h >> 16)) & M32


class Rng:
    """Netwright's random source (mulberry32, src/core/random.ts): the same seed gives the same data order."""

    def __init__(self, seed=0, state=None):
        self.s = hash_seed(seed) if state is None else state

    def next(self):
        self.s = (self.s + 0x6D2B79F5) & M32
        t = self.s
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296.0

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = int(self.next() * (i + 1))
            items[i], items[j] = items[j], items[i]
        return items


def learning_rate(epoch):
    """The base rate, times factor every every_epochs epochs under a step-decay schedule."""
    s = SETUP["schedule"]
    if s["kind"] == "stepDecay" and s["every_epochs"] > 0:
        return SETUP["learning_rate"] * math.pow(s["factor"], epoch // s["every_epochs"])
    return SETUP["learning_rate"]


def make_optimizer(params):
    kind = SETUP["optimizer"]
    lr = SETUP["learning_rate"]
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if kind == "momentum":
        mu = SETUP["momentum"]
        return torch.optim.SGD(params, lr=lr, momentum=mu, nesterov=SETUP["nesterov"] and mu > 0)
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(SETUP["beta1"], SETUP["beta2"]), eps=SETUP["epsilon"])
    raise SystemExit(f"train.py: unknown optimizer {kind!r}")


def regularize_and_clip(model):
    """Netwright's order: L1, then L2, on the weights only; then the global gradient norm is clipped."""
    l1, l2 = SETUP["l1"], SETUP["l2"]
    named = dict(model.named_parameters())
    with torch.no_grad():
        if l1 or l2:
            for name, _, _, regularized in PARAMETERS:
                if not regularized:
                    continue
                p = named[name]
                if l1:
                    p.grad.add_(torch.sign(p), alpha=l1)
                if l2:
                    p.grad.add_(p, alpha=2 * l2)
        clip = SETUP["clip_norm"]
        if clip:
            grads = [p.grad for p in model.parameters()]
            norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads))
            if norm > clip:
                for g in grads:
                    g.mul_(clip / norm)


def load_data(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    width, outs = len(data["features"]), len(data["targets"])
    split = {}
    for key in ("train", "test"):
        s = data[key]
        split[key] = (torch.tensor(s["x"], dtype=torch.float32).reshape(s["n"], width),
                      torch.tensor(s["y"], dtype=torch.float32).reshape(s["n"], outs))
    return data, split


def evaluate(model, x, y, task):
    """Loss (as Netwright measures it: float32 outputs, the loss in float64) and accuracy of one split."""
    n = x.shape[0]
    if n == 0:
        return None, None
    with torch.no_grad():
        loss = float(loss_sum(model(x, logits=FUSED).double(), y.double())) / n
        accuracy = None
        if task != "regression":
            p = model(x)
            if task == "binary":
                accuracy = float(((p[:, 0] >= 0.5) == (y[:, 0] >= 0.5)).double().mean())
            else:
                accuracy = float((p.argmax(1) == y.argmax(1)).double().mean())
    return loss, accuracy


def write_json(path, value):
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=None, help=f"epochs in all (default {SETUP['epochs']})")
    parser.add_argument("--data", default=os.path.join(HERE, "data.json"))
    parser.add_argument("--weights", default=os.path.join(HERE, "weights.json"), help="the weights to start from")
    parser.add_argument("--checkpoint", default="checkpoint.pt", help="saved after every epoch")
    parser.add_argument("--resume", default=None, help="a checkpoint to go on from")
    parser.add_argument("--out", default="trained-weights.json", help="the trained weights, as Netwright's weights JSON")
    args = parser.parse_args()
    if not os.path.exists(args.data):
        raise SystemExit(f"train.py: no data at {args.data} (the document named no data set): give one with --data FILE")

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    distributed = world > 1
    device = torch.device("cpu")
    if distributed:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
        if backend == "nccl":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(device)
    torch.manual_seed(SETUP["seed"])

    model = Network()
    load_weights(model, args.weights)
    model.to(device)
    optimizer = make_optimizer(model.parameters())
    rng = Rng((SETUP["seed"] & M32) ^ 0x2545F491)
    start_epoch, step = 0, 0
    if args.resume:
        checkpoint = torch.load(args.resume, map_location=device)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        start_epoch, step, rng = checkpoint["epoch"], checkpoint["step"], Rng(state=checkpoint["rng"])
    net = DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None) if distributed else model

    data, split = load_data(args.data)
    train_x, train_y = (t.to(device) for t in split["train"])
    test_x, test_y = (t.to(device) for t in split["test"])
    n = train_x.shape[0]
    batch = max(1, int(SETUP["batch_size"]))
    epochs = SETUP["epochs"] if args.epochs is None else args.epochs
    if rank == 0:
        print(f"{data['name']}: {n} training rows, batch {batch} over {world} process(es), {SETUP['optimizer']} lr {SETUP['learning_rate']}", flush=True)

    for epoch in range(start_epoch, epochs):
        order = rng.shuffle(list(range(n)))
        model.train()
        sample, losses = 0, []
        while sample < n:
            size = min(batch, n - sample)
            rows = order[sample + rank:sample + size:world]
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(epoch)
            optimizer.zero_grad(set_to_none=False)
            local = loss_sum(net(train_x[rows], logits=FUSED), train_y[rows])
            # DDP averages the gradients over the processes; scaled so, they are the global batch's mean.
            (local * (world / size)).backward()
            total = local.detach().clone()
            if distributed:
                dist.all_reduce(total)
            batch_loss = float(total) / size
            if not math.isfinite(batch_loss):
                raise SystemExit(f"train.py: diverged at step {step + 1}: the loss became {batch_loss}; try a smaller learning rate")
            regularize_and_clip(model)
            optimizer.step()
            step += 1
            sample += size
            losses.append(batch_loss)
        model.eval()
        train_loss, train_acc = evaluate(model, train_x, train_y, data["task"])
        test_loss, test_acc = evaluate(model, test_x, test_y, data["task"])
        if rank == 0:
            line = f"epoch {epoch + 1:4d}  step {step}  batch loss {sum(losses) / max(1, len(losses)):.8g}  train loss {train_loss:.8g}"
            if train_acc is not None:
                line += f"  train accuracy {train_acc:.4f}"
            line += "  test loss " + ("-" if test_loss is None else f"{test_loss:.8g}")
            if test_acc is not None:
                line += f"  test accuracy {test_acc:.4f}"
            print(line, flush=True)
            if args.checkpoint:
                torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch + 1, "step": step, "rng": rng.s}, args.checkpoint)
    if rank == 0:
        trained = weights_json(model)
        # The steps these weights have taken: the starting weights' (if they say) and this run's; Netwright counts on from it.
        trained["step"] = int(trained.get("step", 0)) + step
        write_json(args.out, trained)
        print(f"wrote {args.out}", flush=True)
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
`;
