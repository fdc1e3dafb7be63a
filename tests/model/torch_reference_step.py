# SPDX-License-Identifier: MIT
# PyTorch's own optimizer and scheduler take the next step from a SegOid checkpoint (the reference for
# optimizer_state_test, python_state_test and train_python_resume_test). Files are opened as the Python
# SegOid opens them, with torch.load (torch 1.13's weights_only unpickler cannot read floats). Usage:
#   adamw CKPT GRADS OUT          torch.optim.AdamW.load_state_dict, the gradients of GRADS ({name: grad} in
#                                 parameter order), one step; OUT: {name: parameter after the step}; prints "step N"
#   plateau CKPT METRIC...        ReduceLROnPlateau.load_state_dict, one step per metric; prints per step
#                                 "lr best num_bad_epochs cooldown_counter last_epoch" (floats as repr)
#   python_save CKPT OUT SEED     continues CKPT as the Python SegOid's train.py does (torch.optim.Adam,
#                                 ReduceLROnPlateau on val loss) for one step with seeded gradients, and
#                                 saves the next epoch in its layout; prints "step N lr X"
import collections
import sys

import torch

BUFFERS = ("running_mean", "running_var", "num_batches_tracked")


def load(path):
    return torch.load(path, map_location="cpu")


def parameters(state):
    return [(name, torch.nn.Parameter(t.clone())) for name, t in state.items() if not name.endswith(BUFFERS)]


def adamw(ckpt, grads_path, out):
    checkpoint = load(ckpt)
    grads = load(grads_path)
    named = parameters(checkpoint["model_state_dict"])
    assert [n for n, _ in named] == list(grads), "parameter order differs from the state dict's"
    optimizer = torch.optim.AdamW([p for _, p in named])
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    for name, p in named:
        p.grad = grads[name].clone()
    optimizer.step()
    torch.save({name: p.detach() for name, p in named}, out)
    print("step", int(optimizer.state[named[0][1]]["step"]))


def plateau(ckpt, metrics):
    checkpoint = load(ckpt)
    optimizer = torch.optim.AdamW([p for _, p in parameters(checkpoint["model_state_dict"])])
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer)
    scheduler.load_state_dict(checkpoint["scheduler_state_dict"])
    for metric in metrics:
        scheduler.step(float(metric))
        print(repr(optimizer.param_groups[0]["lr"]), repr(float(scheduler.best)), scheduler.num_bad_epochs,
              scheduler.cooldown_counter, scheduler.last_epoch)


def python_save(ckpt, out, seed):
    checkpoint = load(ckpt)
    state = checkpoint["model_state_dict"]
    named = parameters(state)
    optimizer = torch.optim.Adam([p for _, p in named], lr=1e-3)
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2)
    scheduler.load_state_dict(checkpoint["scheduler_state_dict"])
    torch.manual_seed(seed)
    for _, p in named:
        p.grad = torch.randn_like(p) * 1e-3
    optimizer.step()
    scheduler.step(0.5)
    history = checkpoint["history"]
    for key, value in (("train_loss", 0.6), ("train_dice", 0.3), ("val_loss", 0.5), ("val_dice", 0.25),
                       ("learning_rate", optimizer.param_groups[0]["lr"])):
        history[key].append(value)
    params = dict(named)
    model_state = collections.OrderedDict(
        (name, params[name].detach() if name in params else t) for name, t in state.items())
    torch.save({"epoch": checkpoint["epoch"] + 1, "model_state_dict": model_state,
                "optimizer_state_dict": optimizer.state_dict(), "best_val_dice": max(checkpoint["best_val_dice"], 0.25),
                "history": history, "model_config": checkpoint["model_config"],
                "scheduler_state_dict": scheduler.state_dict()}, out)
    first = named[0][1]
    print("step", int(optimizer.state[first]["step"]), "lr", repr(optimizer.param_groups[0]["lr"]))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "adamw":
        adamw(*sys.argv[2:5])
    elif mode == "plateau":
        plateau(sys.argv[2], sys.argv[3:])
    elif mode == "python_save":
        python_save(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("unknown mode " + mode)
