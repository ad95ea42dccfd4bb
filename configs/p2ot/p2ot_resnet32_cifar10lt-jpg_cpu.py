# P2OT deep imbalanced clustering (Zhang et al., ICLR 2024) on CIFAR-10-LT
# IF100 from the CIFAR-10 JPEG folder, CPU-sized: a ResNet-32 from scratch
# with a 10-cluster P2OT head, two SimCLR-style views per image, the labels
# hidden from training (the loss never reads them; they only score the
# clustering: Hungarian accuracy, NMI, ARI, head / medium / tail). The
# recipe is ../_base_/p2ot/resnet32_cpu.py. Not yet measured.
#
#   export DIFFULT_CIFAR10_JPG=<the CIFAR-10 JPEG folder>
#   python tools/train.py configs/p2ot/p2ot_resnet32_cifar10lt-jpg_cpu.py
_base_ = [
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/default_runtime.py',
    '../_base_/p2ot/resnet32_cpu.py',
]
train_dataloader = dict(dataset=dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[_base_.p2ot_view]),
    dict(type='PackInputs'),
])))
# Clustering is scored on the images it clustered (the long-tailed set).
val_dataloader = dict(dataset=dict(
    _delete_=True, type='LongTailDataset', imbalance_factor=100,
    dataset=dict(type='CustomDataset',
                 data_root={{_base_.data_root}}, data_prefix='train',
                 pipeline={{_base_.test_pipeline}})))
val_evaluator = [dict(type='ClusteringAccuracy', num_clusters=10)]
test_dataloader = val_dataloader
test_evaluator = val_evaluator
data_preprocessor = dict(type='MultiViewClsDataPreprocessor', num_classes=10)
default_hooks = dict(checkpoint=dict(interval=10))
model = dict(head=dict(num_clusters=10))
