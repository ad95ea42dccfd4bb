# P2OT on CIFAR-100-LT IF100 at CPU size: the recipe of
# ../_base_/p2ot/resnet32_cpu.py (a ResNet-32 from scratch, SimCLR-style
# views, 30 epochs, labels hidden) on the official CIFAR-100 python version
# (downloaded into DIFFULT_CIFAR_ROOT when missing), with the P2OT code's
# CIFAR-100 heads (2 cosine heads of 100 clusters, prediction by the head
# with the lowest loss of the last epoch). The clustering is scored on the
# balanced CIFAR-100 test set as in the code; head / medium / tail by the
# training counts. Not yet measured.
#
#   python tools/train.py configs/p2ot/p2ot_resnet32_cifar100lt_cpu.py
_base_ = [
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/default_runtime.py',
    '../_base_/p2ot/resnet32_cpu.py',
]
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='MultiView', num_views=2, transforms=[_base_.p2ot_view]),
    dict(type='PackInputs'),
]))
val_evaluator = [dict(type='ClusteringAccuracy', num_clusters=100)]
test_evaluator = val_evaluator
data_preprocessor = dict(type='MultiViewClsDataPreprocessor')
default_hooks = dict(checkpoint=dict(interval=10))
model = dict(head=dict(num_clusters=100, num_heads=2, classifier='cosine'))
