"""Class counts and priors held by the long-tail losses, heads and the
generator (one mixin), and class re-weighting."""
from typing import Optional, Sequence

import torch

CLASS_WEIGHTINGS = (None, 'effective_number')


def effective_number_weights(counts: torch.Tensor,
                             beta: float = 0.9999) -> torch.Tensor:
    """Class-balanced weights ``(1 - beta) / (1 - beta ** n_c)`` scaled to sum
    to the number of classes.

    `Cui et al., CVPR 2019 <https://arxiv.org/abs/1901.05555>`_, Eq. 3; the
    sum-to-C normalisation is the one of the LDAM-DRW and RIDE code.
    """
    counts = counts.double()
    weights = (1.0 - beta) / (1.0 - torch.pow(beta, counts))
    return (weights / weights.sum() * len(counts)).float()


class ClassCountsMixin:
    """Holds the training set's class counts in a persistent buffer.

    ``TrainClassCountsHook`` calls :meth:`set_class_counts` before training
    (the proxy's counts when DiffuLT is on); the buffer is saved in
    checkpoints, so test-time uses (post-hoc logit adjustment) work on a
    loaded model. The buffer's length is the number of classes, unknown until
    the counts arrive; loading resizes it.

    ``posthoc_class_counts`` is the prior that the test-time correction
    removes, when it is not the training set's: e.g. the real long-tailed
    counts for a model trained on a DiffuLT proxy. It is a config setting,
    not a buffer, so a loaded checkpoint (which holds the training counts)
    does not replace it.
    """

    def _init_class_counts(
            self,
            class_counts: Optional[Sequence[int]],
            posthoc_class_counts: Optional[Sequence[int]] = None):
        self.register_buffer('class_counts', torch.zeros(0))
        if class_counts is not None:
            self.set_class_counts(class_counts)
        self.posthoc_class_counts = None
        if posthoc_class_counts is not None:
            self.set_posthoc_class_counts(posthoc_class_counts)

    def set_posthoc_class_counts(self, counts: Sequence[int]) -> None:
        """Set the prior that the test-time correction removes
        (``TrainClassCountsHook(posthoc_counts_key=...)`` calls this)."""
        tensor = torch.as_tensor(counts, dtype=torch.float32).flatten()
        if len(tensor) == 0 or (tensor < 0).any():
            raise ValueError(
                f'{type(self).__name__}: posthoc_class_counts must be '
                f'non-negative and non-empty, got {list(counts)}')
        self.posthoc_class_counts = tensor

    def set_class_counts(self, counts: Sequence[int]) -> None:
        counts = torch.as_tensor(counts, dtype=torch.float32).flatten()
        if len(counts) == 0 or (counts < 0).any():
            raise ValueError(
                f'{type(self).__name__}: class counts must be non-negative '
                f'and non-empty, got {counts.tolist()}')
        self.class_counts = counts.to(self.class_counts.device)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        key = prefix + 'class_counts'
        if key in state_dict:
            self.class_counts = torch.zeros_like(state_dict[key]).to(
                self.class_counts.device)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def counts_or_raise(self, num_classes: int) -> torch.Tensor:
        """The counts, checked against the logits' class count."""
        if self.class_counts.numel() == 0:
            raise RuntimeError(
                f'{type(self).__name__} needs the training set\'s class '
                "counts: add dict(type='TrainClassCountsHook') to "
                'custom_hooks, or give class_counts=[...] in its config.')
        if self.class_counts.numel() != num_classes:
            raise ValueError(
                f'{type(self).__name__}: {self.class_counts.numel()} class '
                f'counts but {num_classes} logits per sample; the head\'s '
                'num_classes must match the training dataset.')
        return self.class_counts

    def log_prior(self, num_classes: int) -> torch.Tensor:
        """``log pi_c`` of the training set (empty classes get count 1 so
        the logarithm stays finite)."""
        counts = self.counts_or_raise(num_classes).clamp_min(1.0)
        return torch.log(counts / counts.sum())

    def posthoc_adjust(self, cls_score: torch.Tensor, tau: float,
                       kind: str = 'logit_adjust') -> torch.Tensor:
        """Test-time prior correction of the logits; ``tau = 0`` leaves them
        as they are.

        'logit_adjust': ``z - tau log pi_c`` (Menon et al., ICLR 2021,
        Eq. 9). 'iif': ``z + tau log((N - n_c) / n_c)``, the inverse image
        frequency of the APA / AGLU code (Alexandridis et al., ECCV 2024),
        which also rewards a class for how many images the others have.
        """
        check_posthoc_kind(kind)
        if tau == 0:
            return cls_score
        num_classes = cls_score.size(1)
        counts = getattr(self, 'posthoc_class_counts', None)
        if counts is None:
            counts = self.counts_or_raise(num_classes)
        elif counts.numel() != num_classes:
            raise ValueError(
                f'{type(self).__name__}: {counts.numel()} posthoc_class_counts'
                f' but {num_classes} logits per sample.')
        counts = counts.to(cls_score.device)
        if kind == 'logit_adjust':
            # An empty class counts as 1 image, as in log_prior.
            prior = counts.clamp_min(1.0) / counts.clamp_min(1.0).sum()
            return cls_score - tau * torch.log(prior).to(cls_score)
        iif = torch.log((counts.sum() - counts).clamp_min(1.0) /
                        counts.clamp_min(1.0))
        return cls_score + tau * iif.to(cls_score)


POSTHOC_KINDS = ('logit_adjust', 'iif')


def check_posthoc_kind(kind: str) -> str:
    if kind not in POSTHOC_KINDS:
        raise ValueError(f'posthoc_type must be one of {POSTHOC_KINDS}, got '
                         f'{kind!r}.')
    return kind
