"""SADE's test-time self-supervised aggregation of experts.

SADE (Zhang et al., "Self-Supervised Aggregation of Diverse Experts for
Test-Agnostic Long-Tailed Recognition", NeurIPS 2022,
https://arxiv.org/abs/2107.09249), Sec. 4.2: on an unlabelled test set, the
weights of a multi-expert model's experts (softmax of one learnable vector,
initialised uniform) are learned by maximising the cosine similarity of the
aggregated predictions of two augmented views of each test image; the model
stays frozen. As in the SADE code (test_training_cifar.py): the views are a
random crop (padding 4), colour jitter (0.4, 0.4, 0.4, 0.1) with p 0.8,
grayscale with p 0.2, Gaussian blur (sigma 0.1-2) with p 0.2 and a
horizontal flip; SGD lr 0.1, momentum 0.9 (Nesterov), weight decay 5e-4,
batches of 128, 5 epochs, stopping when an expert's weight falls under
0.05.

Departure from the SADE code, for one pass over the images: the experts'
logits of ``epochs`` pairs of views of every test image are computed once
(the model is frozen, so they do not change while the weights learn) and
each shifted test set reuses those of its own images, where SADE draws fresh
views for each test set. Each epoch still sees its own pair of views.
"""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

#: SADE's settings of the test-time learning (its CIFAR config).
SADE_SETTINGS = dict(epochs=5, batch_size=128, lr=0.1, momentum=0.9,
                     weight_decay=5e-4, min_weight=0.05)


def sade_views(seed: int = 0):
    """The two-view augmentation of SADE's test-time training, on uint8
    RGB (C, H, W) tensors."""
    from torchvision.transforms import v2
    return v2.Compose([
        v2.RandomCrop(32, padding=4),
        v2.RandomApply([v2.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
        v2.RandomGrayscale(p=0.2),
        v2.RandomApply([v2.GaussianBlur(3, sigma=(0.1, 2.0))], p=0.2),
        v2.RandomHorizontalFlip(),
    ])


def _unwrap(model):
    return model.module if hasattr(model, 'module') else model


@torch.no_grad()
def expert_logits(model, dataloader, views: int = 0, seed: int = 0,
                  with_paths: bool = False):
    """Stacked expert logits of every test image, in test-set order.

    Returns ``(logits (N, E, C), labels (N,), view_logits (views, N, E,
    C) or None)``: the plain images' logits and, with ``views``, those of
    ``views`` augmented copies of each image (SADE's views); with
    ``with_paths`` also the images' paths (to match published lists).
    """
    model = _unwrap(model)
    model.eval()
    head = model.head
    if not hasattr(head, 'expert_logits'):
        raise ValueError(
            "test-time aggregation needs a multi-expert model "
            f"(MultiExpertClsHead), got {type(head).__name__}.")
    preprocessor = model.data_preprocessor
    bgr = bool(getattr(preprocessor, 'to_rgb', False))
    augment = sade_views()
    generator = torch.Generator().manual_seed(seed)
    plain, labels, paths = [], [], []
    augmented = [[] for _ in range(views)]

    def logits_of(inputs):
        batch = preprocessor(dict(inputs=inputs, data_samples=None), False)
        feats = model.extract_feat(batch['inputs'])
        return head.expert_logits(feats, head.in_retraining).permute(1, 0, 2)

    for data in dataloader:
        inputs = list(data['inputs'])
        labels += [int(s.gt_label.reshape(-1)[0])
                   for s in data['data_samples']]
        paths += [s.get('img_path') for s in data['data_samples']]
        plain.append(logits_of(inputs).cpu())
        for v in range(views):
            torch.manual_seed(int(torch.randint(
                0, 2**31 - 1, (), generator=generator)))
            # The augmentations act on RGB; the inputs stay in their order.
            seen = [augment(x.flip(0) if bgr else x) for x in inputs]
            seen = [x.flip(0) if bgr else x for x in seen]
            augmented[v].append(logits_of(seen).cpu())
    view_logits = torch.stack([torch.cat(v) for v in augmented]) \
        if views else None
    if with_paths:
        return torch.cat(plain), torch.as_tensor(labels), view_logits, paths
    return torch.cat(plain), torch.as_tensor(labels), view_logits


def learn_aggregation(first: torch.Tensor,
                      second: torch.Tensor,
                      epochs: int = SADE_SETTINGS['epochs'],
                      batch_size: int = SADE_SETTINGS['batch_size'],
                      lr: float = SADE_SETTINGS['lr'],
                      momentum: float = SADE_SETTINGS['momentum'],
                      weight_decay: float = SADE_SETTINGS['weight_decay'],
                      min_weight: float = SADE_SETTINGS['min_weight'],
                      seed: int = 0) -> torch.Tensor:
    """The expert weights (softmax-normalised, (E,)) that maximise the
    cosine similarity of the aggregated predictions of two views.

    Args:
        first, second (Tensor): Expert logits of the two views, (epochs or
            1, N, E, C): epoch k uses pair k (the last pair when fewer).
    """
    num_experts = first.shape[-2]
    weight = torch.nn.Parameter(torch.full((num_experts, ),
                                           1.0 / num_experts))
    optimizer = torch.optim.SGD([weight], lr=lr, momentum=momentum,
                                weight_decay=weight_decay, nesterov=True)
    generator = torch.Generator().manual_seed(seed)
    count = first.shape[1]
    for epoch in range(epochs):
        pair = min(epoch, first.shape[0] - 1)
        order = torch.randperm(count, generator=generator)
        for start in range(0, count, batch_size):
            idx = order[start:start + batch_size]
            mix = F.softmax(weight, dim=0).view(1, -1, 1)
            p1 = F.softmax((mix * first[pair, idx]).sum(1), dim=1)
            p2 = F.softmax((mix * second[pair, idx]).sum(1), dim=1)
            loss = -F.cosine_similarity(p1, p2, dim=1, eps=1e-6).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if (F.softmax(weight, dim=0) < min_weight).any():
            break  # SADE stops once an expert is nearly switched off
    return F.softmax(weight.detach(), dim=0)


def aggregated_predictions(logits: torch.Tensor,
                           weights: torch.Tensor) -> torch.Tensor:
    """argmax of the weighted sum of expert logits, (N,)."""
    return (weights.view(1, -1, 1) * logits).sum(1).argmax(1)


def sade_test_agnostic(logits: torch.Tensor,
                       labels: torch.Tensor,
                       view_logits: torch.Tensor,
                       train_class_counts: Sequence[float],
                       distributions: Optional[Sequence[str]] = None,
                       many_threshold: int = 100,
                       few_threshold: int = 20,
                       seed: int = 0,
                       subsets: Optional[Dict[str, np.ndarray]] = None
                       ) -> Dict[str, float]:
    """SADE's aggregation learned on each shifted test set (its images'
    view logits only), then its accuracy there: metric keys
    ``<distribution>/sade/top1`` (and many / medium / few) and
    ``<distribution>/sade/weight<k>``.

    ``view_logits`` holds ``2 * pairs`` view sets: pair k is
    ``(view_logits[2k], view_logits[2k + 1])``. ``subsets`` (name ->
    positions, e.g. from SADE's published lists) replaces SADE's
    subsampling rule.
    """
    from diffult_plugin.datasets.test_distributions import (
        SADE_DISTRIBUTIONS, shifted_test_indices)
    from .metrics.test_agnostic_accuracy import _accuracies
    names = list(subsets or distributions or SADE_DISTRIBUTIONS)
    counts = np.asarray(train_class_counts, dtype=np.float64)
    groups = dict(
        many=counts > many_threshold,
        medium=(counts >= few_threshold) & (counts <= many_threshold),
        few=counts < few_threshold)
    labels_np = labels.numpy()
    first, second = view_logits[0::2], view_logits[1::2]
    metrics = {}
    for name in names:
        if subsets is not None:
            keep = torch.as_tensor(np.asarray(subsets[name]))
        else:
            imbalance_factor, reverse = SADE_DISTRIBUTIONS[name]
            keep = torch.as_tensor(shifted_test_indices(
                labels_np, imbalance_factor, reverse, seed))
        weights = learn_aggregation(first[:, keep], second[:, keep],
                                    seed=seed)
        pred = aggregated_predictions(logits[keep], weights).numpy()
        for key, value in _accuracies(pred, labels_np[keep.numpy()],
                                      logits.shape[-1], groups).items():
            metrics[f'{name}/sade/{key}'] = value
        for k, w in enumerate(weights.tolist()):
            metrics[f'{name}/sade/weight{k}'] = w
    return metrics
