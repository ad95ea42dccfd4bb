"""A classification head over several experts (RIDE, SHIKE)."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmpretrain.models.heads import ClsHead
from mmpretrain.registry import MODELS

from ..utils.class_counts import ClassCountsMixin, check_posthoc_kind
from .cosine_cls_head import NormedLinear
from ..utils.sample_weights import sample_weights_of, weighted_average_factor

CLASSIFIERS = ('cosine', 'linear')


@MODELS.register_module()
class MultiExpertClsHead(ClassCountsMixin, ClsHead):
    """One classifier per expert; the prediction is the mean of the expert
    logits.

    Takes the tuple of pooled expert features of ``RIDEResNet`` or
    ``SHIKEResNet`` (through ``GlobalAveragePooling``). A loss with
    ``multi_expert = True`` (``RIDELoss``, ``SHIKELoss``) gets the stacked
    logits ``(E, B, C)``; any other loss is applied to each expert and
    summed. Per-sample weights (DiffuLT's omega) reach every loss.

    Two optional second stages:

    - classifier re-training (SHIKE, `Jin et al., CVPR 2023
      <https://arxiv.org/abs/2304.01279>`_): a second set of classifiers,
      trained from epoch ``retrain_epoch`` with ``retrain_loss`` (Balanced
      Softmax in SHIKE) on detached features; from then on, and at test
      time, they make the prediction. ``EpochStateHook`` switches the stage
      and the switch is kept in the checkpoint; ``ClassifierRetrainHook``
      freezes the rest and resets the learning rate.
    - the RIDE router (``router=dict(type='RIDERouter', ...)``): with
      ``train_router=True`` the loss is the router's alone (train it on a
      frozen stage-1 model); predictions use the routed experts.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Size of each expert's pooled feature.
        num_experts (int): Number of experts.
        classifier (str): 'cosine' (``scale * cos``, RIDE and SHIKE) or
            'linear'. Defaults to 'cosine'.
        scale (float): Scale of the cosine classifier. Defaults to 30.
        loss (dict): Stage-1 loss. Defaults to ``RIDELoss``.
        retrain_epoch (int, optional): First epoch of classifier
            re-training. Defaults to None (no second classifier set).
        retrain_loss (dict, optional): Loss of the re-training stage.
        router (dict, optional): A ``RIDERouter`` config.
        train_router (bool): Train only the router. Defaults to False.
        sample_weight_norm (str): 'batch' or 'weight_sum'. Defaults to
            'batch'.
        posthoc_tau (float): tau of the test-time prior correction of the
            prediction. Defaults to 0 (off).
        posthoc_type (str): 'logit_adjust' (``- tau log pi_c``) or 'iif'
            (``+ tau log((N - n_c) / n_c)``). Defaults to 'logit_adjust'.
        class_counts (Sequence[int], optional): Fixed training class counts
            (else set by ``TrainClassCountsHook``).
        posthoc_class_counts (Sequence[int], optional): The prior that the
            post-hoc adjustment removes, when it is not the training counts
            (e.g. the real counts of a model trained on a DiffuLT proxy).
            Not overridden by a checkpoint. Defaults to None.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 num_experts: int,
                 classifier: str = 'cosine',
                 scale: float = 30.0,
                 loss: dict = dict(type='RIDELoss'),
                 retrain_epoch: Optional[int] = None,
                 retrain_loss: Optional[dict] = None,
                 router: Optional[dict] = None,
                 train_router: bool = False,
                 sample_weight_norm: str = 'batch',
                 posthoc_tau: float = 0.0,
                 posthoc_type: str = 'logit_adjust',
                 class_counts: Optional[Sequence[int]] = None,
                 posthoc_class_counts: Optional[Sequence[int]] = None,
                 init_cfg: Optional[dict] = None,
                 **kwargs):
        super().__init__(loss=loss, init_cfg=init_cfg, **kwargs)
        if classifier not in CLASSIFIERS:
            raise ValueError(f'MultiExpertClsHead: classifier must be one of '
                             f'{CLASSIFIERS}, got {classifier!r}.')
        if num_experts < 1:
            raise ValueError('MultiExpertClsHead: num_experts must be >= 1.')
        if (retrain_epoch is None) != (retrain_loss is None):
            raise ValueError('MultiExpertClsHead: give retrain_epoch and '
                             'retrain_loss together.')
        if train_router and router is None:
            raise ValueError('MultiExpertClsHead: train_router=True needs a '
                             "router=dict(type='RIDERouter', ...).")
        weighted_average_factor(None, 1, sample_weight_norm)  # validates
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.num_experts = num_experts
        self.sample_weight_norm = sample_weight_norm
        self.posthoc_tau = float(posthoc_tau)
        self.posthoc_type = check_posthoc_kind(posthoc_type)
        self.train_router = train_router

        def classifiers():
            return nn.ModuleList(
                NormedLinear(in_channels, num_classes, scale)
                if classifier == 'cosine' else nn.Linear(
                    in_channels, num_classes) for _ in range(num_experts))

        self.classifiers = classifiers()
        self.retrain_epoch = retrain_epoch
        if retrain_epoch is not None:
            self.rt_classifiers = classifiers()
            self.retrain_loss_module = MODELS.build(retrain_loss)
        # 1 once the re-training stage has begun; saved in checkpoints.
        self.register_buffer('retraining', torch.zeros((), dtype=torch.long))
        self.router = None
        if router is not None:
            router = dict(router)
            router.setdefault('num_experts', num_experts)
            router.setdefault('in_channels', in_channels)
            self.router = MODELS.build(router)
        self._init_class_counts(class_counts, posthoc_class_counts)

    def set_epoch(self, epoch: int) -> None:
        """Called by ``EpochStateHook``: switch to re-training."""
        if self.retrain_epoch is not None and epoch >= self.retrain_epoch:
            self.retraining.fill_(1)

    def pre_logits(self, feats):
        if not isinstance(feats, (tuple, list)) or \
                len(feats) != self.num_experts:
            got = len(feats) if isinstance(feats, (tuple, list)) else 1
            raise ValueError(
                f'MultiExpertClsHead expects {self.num_experts} expert '
                f'features, got {got}; use a multi-expert backbone '
                '(RIDEResNet, SHIKEResNet) with num_experts matching.')
        return feats

    def expert_logits(self, feats, retrained: bool = False) -> torch.Tensor:
        """Stacked logits ``(E, B, C)`` of one classifier set."""
        feats = self.pre_logits(feats)
        if retrained:
            return torch.stack([
                fc(f.detach()) for fc, f in zip(self.rt_classifiers, feats)
            ])
        return torch.stack([fc(f) for fc, f in zip(self.classifiers, feats)])

    @property
    def in_retraining(self) -> bool:
        return self.retrain_epoch is not None and bool(self.retraining)

    def forward(self, feats) -> torch.Tensor:
        return self.expert_logits(feats, self.in_retraining).mean(0)

    def _apply_loss(self, loss_module, logits, target, weights, avg_factor):
        if getattr(loss_module, 'multi_expert', False):
            return loss_module(
                logits, target, weight=weights, avg_factor=avg_factor)
        return sum(
            loss_module(z, target, weight=weights, avg_factor=avg_factor)
            for z in logits)

    def loss(self, feats, data_samples, **kwargs) -> dict:
        target = torch.cat([s.gt_label for s in data_samples])
        weights = sample_weights_of(data_samples, target.device)
        avg_factor = weighted_average_factor(weights, target.numel(),
                                             self.sample_weight_norm)
        losses = dict()
        if self.train_router:
            with torch.no_grad():
                logits = self.expert_logits(feats)
            losses['loss_router'] = self.router.loss(
                logits, [f.detach() for f in feats], target, weights,
                avg_factor)
        elif self.in_retraining:
            logits = self.expert_logits(feats, retrained=True)
            losses['loss'] = self._apply_loss(self.retrain_loss_module,
                                              logits, target, weights,
                                              avg_factor)
        else:
            logits = self.expert_logits(feats)
            losses['loss'] = self._apply_loss(self.loss_module, logits,
                                              target, weights, avg_factor)
        return losses

    def predict(self, feats, data_samples=None):
        logits = self.expert_logits(feats, self.in_retraining)
        used = None
        if self.router is not None and not self.in_retraining:
            cls_score, used = self.router.route(logits, feats)
        else:
            cls_score = logits.mean(0)
        cls_score = self.posthoc_adjust(cls_score, self.posthoc_tau,
                                        self.posthoc_type)
        predictions = self._get_predictions(cls_score, data_samples)
        if used is not None:
            for sample, n in zip(predictions, used.tolist()):
                sample.set_field(n, 'num_experts_used', field_type='metainfo')
        return predictions
